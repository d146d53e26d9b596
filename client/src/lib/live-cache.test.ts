import type { EventMeta, ServerEventPayloads } from "@marketplace/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dismissToast, toasts } from "../ui/toast.ts";
import { liveCacheHandlers } from "./live-cache.ts";
import { clearUnseenOrders, ordersPageNotices, setOrdersPageOpen, unseenOrders } from "./order-alerts.ts";
import { queryClient } from "./query.ts";
import { queryKeys } from "./query-keys.ts";

let seq = 0;
/** Delivers an event as the socket would: the payload with its meta (`id`, `at`). */
function deliver<K extends keyof ServerEventPayloads>(name: K, payload: ServerEventPayloads[K]): void {
  const event = { ...payload, id: `evt-${++seq}`, at: "2026-12-06T20:00:00.000Z" } as ServerEventPayloads[K] & EventMeta;
  (liveCacheHandlers[name] as (e: typeof event) => void)(event);
}

const invalidated = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated ?? false;
const toastTexts = () => toasts.items.map((t) => `${t.tone}: ${t.message}`);

const product = (id: string) => ({
  id,
  title: "Stoneware mug",
  ratingAvg: 4,
  ratingCount: 2,
  variants: [
    { id: "v1", title: "Blue", stock: 5 },
    { id: "v2", title: "Green", stock: 1 },
  ],
});

beforeEach(() => {
  queryClient.clear();
  for (const t of [...toasts.items]) dismissToast(t.id);
  setOrdersPageOpen(false);
  clearUnseenOrders();
});
afterEach(() => queryClient.clear());

describe("stock.changed", () => {
  it("patches the variant's stock into the product page, the seller's editor and the seller's list", () => {
    queryClient.setQueryData(queryKeys.catalog.product("p1"), product("p1"));
    queryClient.setQueryData(queryKeys.seller.product("p1"), product("p1"));
    const listKey = queryKeys.seller.products({});
    queryClient.setQueryData(listKey, [{ ...product("p1"), totalStock: 6 }, { ...product("p2"), totalStock: 6 }]);

    deliver("stock.changed", { productId: "p1", variantId: "v2", stock: 0 });

    const page = queryClient.getQueryData<ReturnType<typeof product>>(queryKeys.catalog.product("p1"));
    expect(page?.variants.map((v) => v.stock)).toEqual([5, 0]);
    expect(queryClient.getQueryData<ReturnType<typeof product>>(queryKeys.seller.product("p1"))?.variants[1]?.stock).toBe(0);
    const rows = queryClient.getQueryData<{ id: string; totalStock: number }[]>(listKey);
    expect(rows?.map((r) => [r.id, r.totalStock])).toEqual([
      ["p1", 5],
      ["p2", 6],
    ]);
    // Patched exactly: the product page is not refetched for it.
    expect(invalidated(queryKeys.catalog.product("p1"))).toBe(false);
  });

  it("refetches the lists whose sold-out badges and in-stock filter may change", () => {
    const search = queryKeys.catalog.search({ q: "mug" });
    queryClient.setQueryData(search, { pages: [] });
    queryClient.setQueryData(queryKeys.catalog.newest(24), []);
    queryClient.setQueryData(queryKeys.catalog.shop("mugs-and-more"), {});
    queryClient.setQueryData(queryKeys.cart, {});
    deliver("stock.changed", { productId: "p1", variantId: "v1", stock: 3 });
    expect([invalidated(search), invalidated(queryKeys.catalog.newest(24)), invalidated(queryKeys.catalog.shop("mugs-and-more"))]).toEqual([true, true, true]);
    expect(invalidated(queryKeys.cart)).toBe(false);
  });

  it("fetches the product afresh for a variant this tab has never seen", () => {
    queryClient.setQueryData(queryKeys.catalog.product("p1"), product("p1"));
    deliver("stock.changed", { productId: "p1", variantId: "v-new", stock: 9 });
    expect(invalidated(queryKeys.catalog.product("p1"))).toBe(true);
  });
});

describe("review events", () => {
  it("patch the product's rating and refetch its reviews", () => {
    queryClient.setQueryData(queryKeys.catalog.product("p1"), product("p1"));
    const reviews = queryKeys.reviews.productList("p1", {});
    queryClient.setQueryData(reviews, { pages: [] });
    deliver("review.created", { reviewId: "r1", productId: "p1", shopId: "s1", rating: 5, ratingAvg: 4.3, ratingCount: 3 });
    expect(queryClient.getQueryData<ReturnType<typeof product>>(queryKeys.catalog.product("p1"))).toMatchObject({ ratingAvg: 4.3, ratingCount: 3 });
    expect(invalidated(reviews)).toBe(true);
  });

  it("of a shop review refetch the shop's reviews, not a product's", () => {
    const shopReviews = queryKeys.reviews.shopList("s1", {});
    const productReviews = queryKeys.reviews.productList("p1", {});
    queryClient.setQueryData(shopReviews, { pages: [] });
    queryClient.setQueryData(productReviews, { pages: [] });
    deliver("review.updated", { reviewId: "r2", shopId: "s1", ratingAvg: 4, ratingCount: 10 });
    expect(invalidated(shopReviews)).toBe(true);
    expect(invalidated(productReviews)).toBe(false);
  });
});

describe("order.created (to the shop's owner)", () => {
  const order = { orderId: "o1", sellerOrderId: "so1", totalCents: 2450, currency: "EUR", items: [{ productTitle: "Stoneware mug", variantTitle: "Blue", quantity: 2 }] };

  it("refetches the orders, counts an unseen order and says it in a toast", () => {
    queryClient.setQueryData(queryKeys.sellerOrders.list({}), []);
    queryClient.setQueryData(queryKeys.sellerOrders.summary, {});
    deliver("order.created", order);
    expect(invalidated(queryKeys.sellerOrders.list({}))).toBe(true);
    expect(invalidated(queryKeys.sellerOrders.summary)).toBe(true);
    expect(unseenOrders.value).toBe(1);
    expect(toastTexts()).toEqual([`success: New order: 2 × Stoneware mug · €24.50`]);
  });

  it("is said on the orders page, not in a toast over its buttons, while that page is open", () => {
    setOrdersPageOpen(true);
    deliver("order.created", { ...order, items: [...order.items, { productTitle: "Teapot", variantTitle: "Default", quantity: 1 }] });
    expect(toasts.items).toHaveLength(0);
    expect(ordersPageNotices.value).toEqual(["New order: 3 items · €24.50"]);
  });
});

describe("activity (the admin's live feed)", () => {
  const page = (items: { id: string; kind: string }[]) => ({ pages: [{ items, nextCursor: null }], pageParams: [undefined] });
  const activity = {
    activityId: "act-9",
    kind: "user.registered" as const,
    summary: "Ada signed up",
    actorId: "u1",
    actorName: "Ada",
    subjectType: "user",
    subjectId: "u1",
  };

  it("puts the new entry on top of every list whose filter it matches, with who did it", () => {
    const all = queryKeys.admin.activity.list({});
    const users = queryKeys.admin.activity.list({ kind: "user.registered" });
    const orders = queryKeys.admin.activity.list({ kind: "order.placed" });
    for (const key of [all, users, orders]) queryClient.setQueryData(key, page([{ id: "act-1", kind: "order.placed" }]));

    deliver("activity", activity);

    type Feed = ReturnType<typeof page> & { pages: { items: { id: string; actor?: { name: string } | null }[] }[] };
    const ids = (key: readonly unknown[]) => queryClient.getQueryData<Feed>(key)?.pages[0]?.items.map((i) => i.id);
    expect(ids(all)).toEqual(["act-9", "act-1"]);
    expect(ids(users)).toEqual(["act-9", "act-1"]);
    expect(ids(orders)).toEqual(["act-1"]);
    expect(queryClient.getQueryData<Feed>(all)?.pages[0]?.items[0]?.actor).toEqual({ id: "u1", name: "Ada" });
  });

  it("does not list an entry twice when the page already holds it (same audit row, another event)", () => {
    const all = queryKeys.admin.activity.list({});
    queryClient.setQueryData(all, page([{ id: "act-9", kind: "user.registered" }]));
    deliver("activity", activity);
    deliver("activity", activity);
    expect(queryClient.getQueryData<ReturnType<typeof page>>(all)?.pages[0]?.items).toHaveLength(1);
  });

  it("refetches the admin lists the entry is about", () => {
    for (const key of [queryKeys.admin.users.list({}), queryKeys.admin.shops.list({}), queryKeys.admin.reviews.list({})]) queryClient.setQueryData(key, {});
    deliver("activity", { ...activity, kind: "shop.approved" });
    expect(invalidated(queryKeys.admin.shops.list({}))).toBe(true);
    expect(invalidated(queryKeys.admin.users.list({}))).toBe(true); // the owner became a seller
    expect(invalidated(queryKeys.admin.reviews.list({}))).toBe(false);
  });
});

describe("shop.updated (to the shop's owner)", () => {
  it("shows the approval at once and says so", () => {
    queryClient.setQueryData(queryKeys.seller.shop, { id: "s1", status: "PENDING", statusReason: null });
    queryClient.setQueryData(queryKeys.me, { id: "u1", role: "BUYER" });
    deliver("shop.updated", { shopId: "s1", status: "ACTIVE", reason: null });
    expect(queryClient.getQueryData(queryKeys.seller.shop)).toMatchObject({ status: "ACTIVE" });
    expect(invalidated(queryKeys.me)).toBe(true); // the role is now SELLER
    expect(toastTexts()).toEqual(["success: Your shop is approved: you can sell now."]);
  });

  it("shows a suspension with its reason, and says nothing when the status did not change", () => {
    queryClient.setQueryData(queryKeys.seller.shop, { id: "s1", status: "ACTIVE", statusReason: null });
    deliver("shop.updated", { shopId: "s1", status: "SUSPENDED", reason: "Counterfeit goods" });
    expect(queryClient.getQueryData(queryKeys.seller.shop)).toMatchObject({ status: "SUSPENDED", statusReason: "Counterfeit goods" });
    deliver("shop.updated", { shopId: "s1", status: "SUSPENDED", reason: "Counterfeit goods" });
    expect(toastTexts()).toEqual(["error: Your shop is suspended: Counterfeit goods"]);
  });

  it("leaves another shop's entry alone", () => {
    queryClient.setQueryData(queryKeys.seller.shop, { id: "s2", status: "PENDING", statusReason: null });
    deliver("shop.updated", { shopId: "s1", status: "ACTIVE", reason: null });
    expect(queryClient.getQueryData(queryKeys.seller.shop)).toMatchObject({ status: "PENDING" });
  });
});
