import { describe, expect, it } from "vitest";
import { settled, withRouter } from "../../test/with-router.ts";
import { useUrlFilters } from "./use-url-filters.ts";

const SPEC = { q: "text", status: ["ACTIVE", "BANNED"] } as const;

describe("an admin list's filters in the URL", () => {
  it("reads text trimmed and keeps only the values a filter accepts", async () => {
    const { result, unmount } = await withRouter("/admin/users?q=%20ada%20&status=DELETED&other=1", () => useUrlFilters(SPEC));
    expect(result.filters.value).toEqual({ q: "ada" });
    unmount();
  });

  it("merges a patch, drops emptied filters, and replaces the history entry", async () => {
    const { result, router, unmount } = await withRouter("/admin/users?q=ada", () => useUrlFilters(SPEC));
    await router.push("/admin/users?q=ada&status=ACTIVE");
    result.update({ status: "BANNED" });
    await settled(router);
    expect(router.currentRoute.value.query).toEqual({ q: "ada", status: "BANNED" });
    result.update({ q: "" });
    await settled(router);
    expect(router.currentRoute.value.query).toEqual({ status: "BANNED" });
    expect(result.filters.value).toEqual({ status: "BANNED" });
    // Replaced, not pushed: one step back leaves the list.
    router.back();
    await settled(router);
    expect(router.currentRoute.value.fullPath).toBe("/admin/users?q=ada");
    unmount();
  });
});
