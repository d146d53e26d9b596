import { nextTick, onBeforeUnmount, ref, watch, type Ref } from "vue";

/**
 * Keyboard and pointer behaviour of a WAI-ARIA menu button: Enter/Space/ArrowDown open on the
 * first item, ArrowUp on the last; in the menu the arrows move, Home/End jump, Escape closes and
 * returns focus to the button, Tab or a pointer press outside `root` closes.
 */
export function useMenuButton(refs: {
  root: Ref<HTMLElement | null>;
  button: Ref<HTMLElement | null>;
  menu: Ref<HTMLElement | null>;
}) {
  const open = ref(false);

  const items = (): HTMLElement[] =>
    Array.from(refs.menu.value?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? []);

  async function openMenu(focus: "first" | "last" | null = null) {
    open.value = true;
    await nextTick();
    const list = items();
    if (focus === "first") list[0]?.focus();
    if (focus === "last") list.at(-1)?.focus();
  }

  function close(returnFocus = false) {
    open.value = false;
    if (returnFocus) refs.button.value?.focus();
  }

  function toggle() {
    if (open.value) close();
    else void openMenu("first");
  }

  function onButtonKeydown(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      void openMenu(event.key === "ArrowDown" ? "first" : "last");
    }
  }

  function onMenuKeydown(event: KeyboardEvent) {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    if (event.key === "ArrowDown") move(i + 1);
    else if (event.key === "ArrowUp") move(i - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(list.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") close();
  }

  function onDocumentPointer(event: PointerEvent) {
    if (refs.root.value && !refs.root.value.contains(event.target as Node)) close();
  }

  watch(open, (isOpen) => {
    if (isOpen) document.addEventListener("pointerdown", onDocumentPointer);
    else document.removeEventListener("pointerdown", onDocumentPointer);
  });
  onBeforeUnmount(() => document.removeEventListener("pointerdown", onDocumentPointer));

  return { open, close, toggle, onButtonKeydown, onMenuKeydown };
}
