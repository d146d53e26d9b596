import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { h, ref } from "vue";
import UiPagedList, { type PagedQuery } from "./UiPagedList.vue";

function query(state: Partial<Record<keyof PagedQuery, unknown>> = {}) {
  const calls: string[] = [];
  const q: PagedQuery = {
    isPending: ref(false),
    isError: ref(false),
    error: ref(null),
    isFetching: ref(false),
    isPlaceholderData: ref(false),
    hasNextPage: ref(false),
    isFetchingNextPage: ref(false),
    refetch: () => calls.push("refetch"),
    fetchNextPage: () => calls.push("next"),
  };
  for (const [k, v] of Object.entries(state)) if (k !== "refetch" && k !== "fetchNextPage") (q[k as keyof PagedQuery] as { value: unknown }).value = v;
  return { q, calls };
}

const render = (q: PagedQuery, count: number, skeleton: { rows: number; height: string } | null = null) =>
  mount(UiPagedList, {
    props: { list: q, count, noun: ["order", "orders"] as const, errorTitle: "We couldn't load your orders", skeleton, moreLabel: "Show older orders" },
    slots: { default: () => h("ul", { "data-testid": "rows" }), empty: () => h("p", { "data-testid": "empty" }, "No orders yet") },
  });

describe("a list read page by page (UiPagedList)", () => {
  it("shows placeholder rows, or a spinner, while the first page loads", () => {
    expect(render(query({ isPending: true }).q, 0, { rows: 3, height: "6rem" }).findAll(".skeleton")).toHaveLength(3);
    expect(render(query({ isPending: true }).q, 0).find('[role="status"]').attributes("aria-label")).toBe("Loading orders");
  });

  it("offers a retry when nothing could be loaded, but keeps the rows a failed refetch had", async () => {
    const { q, calls } = query({ isError: true, error: new Error("offline") });
    const failed = render(q, 0);
    expect(failed.text()).toContain("We couldn't load your orders");
    await failed.find("button").trigger("click");
    expect(calls).toEqual(["refetch"]);
    expect(render(q, 2).find('[data-testid="rows"]').exists()).toBe(true);
  });

  it("shows its empty state, then the rows with more to load or the end of the list", async () => {
    expect(render(query().q, 0).find('[data-testid="empty"]').exists()).toBe(true);
    const { q, calls } = query({ hasNextPage: true });
    const more = render(q, 24);
    await more.find('[data-testid="load-more"]').trigger("click");
    expect(more.find('[data-testid="load-more"]').text()).toBe("Show older orders");
    expect(calls).toEqual(["next"]);
    expect(render(query().q, 1).text()).toContain("1 order shown · end of list");
  });

  it("dims the rows while new filters load", () => {
    expect(render(query({ isPlaceholderData: true }).q, 3).find(".is-stale").exists()).toBe(true);
  });
});
