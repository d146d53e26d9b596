import { ADMIN_QUERY_MAX_LENGTH, CATALOG_QUERY_MAX_LENGTH } from "@marketplace/shared";
import { mount } from "@vue/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { limitNote } from "../../lib/text-limit.ts";
import { settled, withRouter } from "../../test/with-router.ts";
import AdminFilterBar from "../admin/AdminFilterBar.vue";
import HeaderSearch from "./HeaderSearch.vue";

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = "";
});

describe("a text box's limit, said instead of cut", () => {
  it("shows the count from where it is asked, and how much is over past the limit", () => {
    expect(limitNote(99, 100)).toBeNull();
    expect(limitNote(100, 100)).toEqual({ over: false, text: "100 / 100 characters" });
    expect(limitNote(5000, 140)).toEqual({ over: true, text: "5,000 / 140 characters: 4,860 over the limit" });
    expect(limitNote(126, 140, 126)).toEqual({ over: false, text: "126 / 140 characters" });
  });

  it("the header's search keeps a long query whole, says it is too long, and does not search until shortened", async () => {
    const { router } = await withRouter("/", () => null);
    const wrapper = mount(HeaderSearch, { global: { plugins: [router] } });
    const input = wrapper.find('[data-testid="header-search"]');
    expect(input.attributes("maxlength")).toBeUndefined();

    await input.setValue("m".repeat(CATALOG_QUERY_MAX_LENGTH));
    expect(wrapper.find('[data-testid="header-search-limit"]').text()).toBe(`${CATALOG_QUERY_MAX_LENGTH} / ${CATALOG_QUERY_MAX_LENGTH} characters`);

    await input.setValue("m".repeat(CATALOG_QUERY_MAX_LENGTH + 5));
    expect((input.element as HTMLInputElement).value).toHaveLength(CATALOG_QUERY_MAX_LENGTH + 5);
    expect(input.attributes("aria-invalid")).toBe("true");
    expect(wrapper.find('[data-testid="header-search-limit"]').text()).toContain("5 over the limit");
    await wrapper.find("form").trigger("submit");
    await settled(router);
    expect(router.currentRoute.value.path).toBe("/");

    await input.setValue("mug");
    expect(wrapper.find('[data-testid="header-search-limit"]').exists()).toBe(false);
    await wrapper.find("form").trigger("submit");
    await settled(router);
    expect(router.currentRoute.value.fullPath).toBe("/search?q=mug");
  });

  it("an admin list's search says it is too long and sends no filter until shortened", async () => {
    vi.useFakeTimers();
    const wrapper = mount(AdminFilterBar, { props: { filters: {}, name: "Filter users", searchPlaceholder: "Name or email", selects: [], testid: "users" } });
    const input = wrapper.find('[data-testid="users-search"]');
    await input.setValue("a".repeat(ADMIN_QUERY_MAX_LENGTH + 1));
    vi.advanceTimersByTime(400);
    await wrapper.find("form").trigger("submit");
    expect(wrapper.emitted("change")).toBeUndefined();
    expect(wrapper.find('[data-testid="users-search-limit"]').text()).toContain("1 over the limit");
    expect(input.attributes("aria-invalid")).toBe("true");

    await input.setValue("ada");
    vi.advanceTimersByTime(400);
    expect(wrapper.emitted("change")).toEqual([[{ q: "ada" }]]);
  });
});
