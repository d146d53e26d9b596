import { reactive, readonly } from "vue";

export type ToastTone = "info" | "success" | "error";

/**
 * A button on the toast (e.g. "Undo"); the toast closes when it is pressed. An action that calls
 * the server returns its promise, and reports its own outcome (a toast of its own, on failure too).
 */
export interface ToastAction {
  label: string;
  run: () => void | Promise<void>;
}

export interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
  action?: ToastAction;
}

/** Browser-only app state: one list of toasts for the one ToastHost in App.vue. */
const state = reactive<{ items: Toast[] }>({ items: [] });
let nextId = 1;

export function dismissToast(id: number): void {
  const i = state.items.findIndex((t) => t.id === id);
  if (i >= 0) state.items.splice(i, 1);
}

/**
 * Shows a short message for a few seconds (errors, and toasts with an action such as "Undo", stay
 * longer: there is something to read or do). At most four at a time.
 */
export function showToast(message: string, tone: ToastTone = "info", action?: ToastAction): void {
  const id = nextId++;
  state.items.push({ id, message, tone, ...(action ? { action } : {}) });
  if (state.items.length > 4) state.items.shift();
  setTimeout(() => dismissToast(id), action ? 10_000 : tone === "error" ? 8000 : 4500);
}

/** Runs a toast's action once and closes the toast. */
export function runToastAction(toast: Toast): void {
  dismissToast(toast.id);
  // Not awaited: the toast is gone by then, and the action reports its own outcome.
  void toast.action?.run();
}

export const toasts = readonly(state);
