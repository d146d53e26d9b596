import { describe, expect, it } from "vitest";
import { settled, withRouter } from "../../test/with-router.ts";
import { filtersFromQuery, queryFromFilters, useSearchFilters } from "./use-search-filters.ts";

describe("search filters ↔ URL", () => {
  it("reads every filter from the URL, prices in major units becoming cents", () => {
    expect(
      filtersFromQuery({ q: " mug ", category: "cat1", shop: "shop1", min: "10", max: "25.5", rating: "4", stock: "1", sort: "price_asc" }),
    ).toEqual({ q: "mug", categoryId: "cat1", shopId: "shop1", minPriceCents: 1000, maxPriceCents: 2550, minRating: 4, inStock: true, sort: "price_asc" });
  });

  it("drops malformed and unknown values instead of sending them", () => {
    expect(filtersFromQuery({ min: "ten", max: "-3", rating: "7", stock: "yes", sort: "cheapest", q: "   " })).toEqual({});
    expect(filtersFromQuery({ rating: "0" })).toEqual({});
    expect(filtersFromQuery({ rating: "2.5" })).toEqual({});
    // A maximum below the minimum is dropped; the minimum stays.
    expect(filtersFromQuery({ min: "30", max: "20" })).toEqual({ minPriceCents: 3000 });
  });

  it("takes the first of a repeated parameter (?q=a&q=b)", () => {
    expect(filtersFromQuery({ q: ["tea", "mug"], rating: ["5", "1"] })).toEqual({ q: "tea", minRating: 5 });
  });

  it("writes filters back as a tidy URL that reads back to the same filters", () => {
    const filters = { q: "mug", categoryId: "c", shopId: "s", minPriceCents: 1000, maxPriceCents: 999, minRating: 3, inStock: true, sort: "newest" as const };
    const query = queryFromFilters(filters);
    expect(query).toEqual({ q: "mug", category: "c", shop: "s", min: "10", max: "9.99", rating: "3", stock: "1", sort: "newest" });
    // max 9.99 < min 10 is dropped on the way back: the URL never yields an impossible range.
    expect(filtersFromQuery(query as Record<string, string>)).toEqual({ ...filters, maxPriceCents: undefined });
    const fine = { ...filters, maxPriceCents: 2500 };
    expect(filtersFromQuery(queryFromFilters(fine) as Record<string, string>)).toEqual(fine);
  });

  it("leaves unset filters out of the URL (a zero price is a filter, not unset)", () => {
    expect(queryFromFilters({})).toEqual({});
    expect(queryFromFilters({ minPriceCents: 0, inStock: false })).toEqual({ min: "0" });
  });

  it("applies a change as a new history entry, so the back button undoes it", async () => {
    const { result, router, unmount } = await withRouter("/search?q=mug", () => useSearchFilters());
    result.update({ minRating: 4, inStock: true });
    await settled(router);
    expect(router.currentRoute.value.fullPath).toBe("/search?q=mug&rating=4&stock=1");
    expect(result.filters.value).toEqual({ q: "mug", minRating: 4, inStock: true });
    expect(result.activeCount.value).toBe(2);

    // Unsetting a filter (false, "", null, undefined) removes it from the URL.
    result.update({ inStock: false });
    await settled(router);
    expect(router.currentRoute.value.query).toEqual({ q: "mug", rating: "4" });

    router.back();
    await settled(router);
    expect(result.filters.value).toEqual({ q: "mug", minRating: 4, inStock: true });
    unmount();
  });

  it("clears every filter but the query text", async () => {
    const { result, router, unmount } = await withRouter("/search?q=tea&min=5&max=9&shop=s1&sort=price_desc", () => useSearchFilters());
    expect(result.activeCount.value).toBe(2); // the price range counts once, the shop once; the sort is not a filter
    result.clear();
    await settled(router);
    expect(router.currentRoute.value.fullPath).toBe("/search?q=tea");
    expect(result.activeCount.value).toBe(0);
    unmount();
  });
});
