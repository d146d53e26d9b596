import { mount } from "@vue/test-utils";
import { defineComponent, h } from "vue";
import { createMemoryHistory, createRouter, type Router } from "vue-router";

/**
 * Runs a composable that reads the route inside a mounted component, under a real vue-router
 * on an in-memory history (so `push`, `replace` and `back` behave as in the browser).
 * Resolves once the router is at `start`.
 */
export async function withRouter<T>(start: string, use: () => T): Promise<{ result: T; router: Router; unmount: () => void }> {
  const Empty = { render: () => null };
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: "/:rest(.*)*", component: Empty }] });
  await router.push(start);
  await router.isReady();
  let result!: T;
  const Host = defineComponent({
    setup() {
      result = use();
      return () => h("div");
    },
  });
  const wrapper = mount(Host, { global: { plugins: [router] } });
  return { result, router, unmount: () => wrapper.unmount() };
}

/** Waits for a navigation started with `void router.push(…)` to land. */
export async function settled(router: Router): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await router.isReady();
}
