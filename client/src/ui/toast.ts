import { reactive, readonly } from "vue";

export type ToastTone = "info" | "success" | "error";

export interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

/** Browser-only app state: one list of toasts for the one ToastHost in App.vue. */
const state = reactive<{ items: Toast[] }>({ items: [] });
let nextId = 1;

export function dismissToast(id: number): void {
  const i = state.items.findIndex((t) => t.id === id);
  if (i >= 0) state.items.splice(i, 1);
}

/** Shows a short message for a few seconds (errors stay longer). At most four at a time. */
export function showToast(message: string, tone: ToastTone = "info"): void {
  const id = nextId++;
  state.items.push({ id, message, tone });
  if (state.items.length > 4) state.items.shift();
  setTimeout(() => dismissToast(id), tone === "error" ? 8000 : 4500);
}

export const toasts = readonly(state);
