import { onMounted, ref, type Ref } from "vue";

/**
 * False until the component is mounted: what only the browser knows (the socket's state, a
 * guest's stored cart) is shown from then on, so a server-rendered page and the browser's first
 * render (hydration) write the same HTML.
 */
export function useMounted(): Readonly<Ref<boolean>> {
  const mounted = ref(false);
  onMounted(() => (mounted.value = true));
  return mounted;
}
