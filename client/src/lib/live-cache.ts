import type { InfiniteData } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import type { ServerEventName, ServerToClientEvents } from "@marketplace/shared";
import { showToast } from "../ui/toast.ts";
import { formatMoney } from "./format.ts";
import { clearUnseenOrders, noteNewOrder, noticeOnOrdersPage } from "./order-alerts.ts";
import { queryClient } from "./query.ts";
import { queryKeys } from "./query-keys.ts";
import { onLiveEvent } from "./socket.ts";
import { chosenShopId } from "./shop-choice.ts";

type CatalogProduct = RouterOutputs["catalog"]["product"];
type SellerProductRow = RouterOutputs["product"]["listMine"][number];
type SellerProduct = RouterOutputs["product"]["getMine"];
type ActivityPage = RouterOutputs["admin"]["activity"]["list"];
type MyShop = RouterOutputs["shop"]["mine"];
type ActivityFilters = Omit<RouterInputs["admin"]["activity"]["list"], "cursor" | "limit">;
type Handler<K extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[K]>[0];

/**
 * What each real-time event does to the vue-query cache. Events are hints: a value the event
 * carries is patched in where it is cheap and exact (a variant's stock, a rating), everything
 * else that may have changed is invalidated so the queries on screen refetch.
 */
export const liveCacheHandlers: { [K in ServerEventName]: ServerToClientEvents[K] } = {
  "stock.changed": (e) => onStockChanged(e),
  "review.created": (e) => onReviewChanged(e),
  "review.updated": (e) => onReviewChanged(e),
  "order.updated": () => invalidateOrders(),
  "order.created": (e) => onOrderCreated(e),
  activity: (e) => onActivity(e),
  "shop.updated": (e) => onShopUpdated(e),
  // The header's bell listens while it is shown (NotificationBell.vue: onNotificationPushed).
  notification: () => {},
  "team.changed": (e) => onTeamChanged(e),
};

/** Applies every live event to the cache, for the app's lifetime (main.ts). */
export function connectLiveCache(): void {
  for (const name of Object.keys(liveCacheHandlers) as ServerEventName[]) listen(name);
  // A new person in this tab: the previous one's order badge is not theirs.
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type === "updated" && event.query.queryKey[1] === queryKeys.me[1] && event.query.state.data === null) clearUnseenOrders();
  });
}

const listen = <K extends ServerEventName>(name: K) => onLiveEvent(name, liveCacheHandlers[name]);

function onStockChanged(e: Handler<"stock.changed">) {
  let unknownVariant = false;
  const patchVariants = <V extends { id: string; stock: number }>(variants: V[]): V[] => {
    if (!variants.some((v) => v.id === e.variantId)) unknownVariant = true;
    return variants.map((v) => (v.id === e.variantId ? { ...v, stock: e.stock } : v));
  };

  queryClient.setQueryData<CatalogProduct>(queryKeys.catalog.product(e.productId), (p) =>
    p ? { ...p, variants: patchVariants(p.variants) } : p,
  );
  queryClient.setQueryData<SellerProduct>(queryKeys.seller.product(e.productId), (p) =>
    p ? { ...p, variants: patchVariants(p.variants) } : p,
  );
  queryClient.setQueriesData<SellerProductRow[]>({ queryKey: queryKeys.seller.productLists }, (rows) =>
    rows?.map((p) => {
      if (p.id !== e.productId) return p;
      const variants = patchVariants(p.variants);
      return { ...p, variants, totalStock: variants.reduce((sum, v) => sum + v.stock, 0) };
    }),
  );
  // A variant this tab has never seen (just added): fetch the product afresh.
  if (unknownVariant) {
    void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.product(e.productId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.seller.productLists });
  }
  // "Sold out" badges and the in-stock filter of every list may have changed.
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.searchAll });
  void queryClient.invalidateQueries({ queryKey: ["catalog", "newest"] });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.shopAll });
}

/**
 * A review was written, edited, deleted, answered, hidden or restored. The event reaches the
 * product's watchers, the shop page's visitors, the shop's owner and (for a reply or a hide) the
 * author: the figures it carries are patched into the product, and every list that may show the
 * review refetches.
 */
function onReviewChanged(e: Handler<"review.created"> | Handler<"review.updated">) {
  if (e.productId) {
    queryClient.setQueryData<CatalogProduct>(queryKeys.catalog.product(e.productId), (p) =>
      p ? { ...p, ratingAvg: e.ratingAvg, ratingCount: e.ratingCount } : p,
    );
    void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.product(e.productId) });
  } else {
    void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.shop(e.shopId) });
    // Product pages show their shop's rating.
    void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.productAll });
  }
  // The seller's Reviews tab, and the author's own list (a reply, a hide).
  void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.seller });
  void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.mine });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.shopAll });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.searchAll });
  void queryClient.invalidateQueries({ queryKey: queryKeys.seller.shop });
}

function invalidateOrders() {
  void queryClient.invalidateQueries({ queryKey: queryKeys.orders.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.sellerOrders.all });
}

function onOrderCreated(e: Handler<"order.created">) {
  invalidateOrders();
  noteNewOrder();
  const count = e.items.reduce((n, i) => n + i.quantity, 0);
  const first = e.items[0];
  const what = first ? (e.items.length === 1 ? `${first.quantity} × ${first.productTitle}` : `${count} items`) : "";
  const message = `New order: ${[what, formatMoney(e.totalCents, e.currency)].filter(Boolean).join(" · ")}`;
  if (!noticeOnOrdersPage(message)) showToast(message, "success");
}

/**
 * An admin approved, reopened or suspended the owner's shop: the seller area shows it at once
 * (the status and reason are patched in, then the shop and `me`, whose role may now be SELLER,
 * refetch), and a toast says so on whatever page the owner is.
 */
function onShopUpdated(e: Handler<"shop.updated">) {
  const before = queryClient.getQueryData<MyShop>(queryKeys.seller.shop);
  queryClient.setQueryData<MyShop>(queryKeys.seller.shop, (shop) =>
    shop && shop.id === e.shopId ? { ...shop, status: e.status, statusReason: e.reason } : shop,
  );
  void queryClient.invalidateQueries({ queryKey: queryKeys.seller.shop });
  void queryClient.invalidateQueries({ queryKey: queryKeys.me });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.shopAll });
  if (before?.status === e.status) return;
  if (e.status === "ACTIVE") showToast(before?.status === "SUSPENDED" ? "Your shop is open again." : "Your shop is approved: you can sell now.", "success");
  else if (e.status === "SUSPENDED") showToast(`Your shop is suspended${e.reason ? `: ${e.reason}` : "."}`, "error");
}

function onActivity(e: Handler<"activity">) {
  const item: ActivityPage["items"][number] = {
    // The audit row's id, as the API lists it (the event's own id differs): a refetched page
    // then holds the same item once.
    id: e.activityId,
    kind: e.kind,
    summary: e.summary,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    createdAt: new Date(e.at),
    actor: e.actorId ? { id: e.actorId, name: e.actorName ?? "" } : null,
  };
  for (const [key, data] of queryClient.getQueriesData<InfiniteData<ActivityPage>>({ queryKey: queryKeys.admin.activity.all })) {
    const filters = key[3] as ActivityFilters | undefined;
    if (!data?.pages.length || (filters?.kind && filters.kind !== e.kind)) continue;
    const [first, ...rest] = data.pages;
    if (first!.items.some((i) => i.id === item.id)) continue;
    queryClient.setQueryData<InfiniteData<ActivityPage>>(key, { ...data, pages: [{ ...first!, items: [item, ...first!.items] }, ...rest] });
  }
  // The admin pages that list what the event is about.
  if (e.kind.startsWith("shop.")) void queryClient.invalidateQueries({ queryKey: queryKeys.admin.shops.all });
  if (e.kind.startsWith("user.") || e.kind === "shop.approved") void queryClient.invalidateQueries({ queryKey: queryKeys.admin.users.all });
  // A report, a hide or a restore (by another admin) changes the moderation queue.
  if (e.kind.startsWith("review.")) void queryClient.invalidateQueries({ queryKey: queryKeys.admin.reviews.all });
}

/**
 * The user's place in a shop changed (joined, a new role, removed): what the seller area shows
 * and may do follows at once. Removed from the chosen shop, they fall back to their other shops.
 */
function onTeamChanged(e: Handler<"team.changed">) {
  if (e.role === null && chosenShopId.value === e.shopId) chosenShopId.value = null;
  void queryClient.invalidateQueries({ queryKey: queryKeys.seller.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.sellerOrders.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.seller });
  if (e.role === null) showToast("You are no longer a member of that shop.", "info");
}
