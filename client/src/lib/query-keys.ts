import type { RouterInputs } from "@marketplace/server/router";

type AdminUsersFilters = Omit<RouterInputs["admin"]["users"]["list"], "cursor" | "limit">;
type AdminShopsFilters = Omit<RouterInputs["admin"]["shops"]["list"], "cursor" | "limit">;
type AdminActivityFilters = Omit<RouterInputs["admin"]["activity"]["list"], "cursor" | "limit">;
type CatalogSearchFilters = Omit<RouterInputs["catalog"]["search"], "cursor" | "limit">;
type SellerProductsFilters = RouterInputs["product"]["listMine"];
type ReviewListFilters = Pick<RouterInputs["review"]["listProduct"], "rating" | "sort">;
type AdminReviewsFilters = Omit<RouterInputs["admin"]["reviews"]["list"], "cursor" | "limit">;

/**
 * Every vue-query key in one place, shaped as prefixes so one call can invalidate a whole area
 * (e.g. `queryKeys.admin.users.all` after a ban, `queryKeys.catalog.lists` after a stock change).
 */
export const queryKeys = {
  me: ["auth", "me"] as const,
  account: {
    sessions: ["account", "sessions"] as const,
    twoFactor: ["account", "twoFactor"] as const,
  },
  admin: {
    users: {
      all: ["admin", "users"] as const,
      list: (filters: AdminUsersFilters) => ["admin", "users", "list", filters] as const,
    },
    shops: {
      all: ["admin", "shops"] as const,
      list: (filters: AdminShopsFilters) => ["admin", "shops", "list", filters] as const,
    },
    activity: {
      all: ["admin", "activity"] as const,
      list: (filters: AdminActivityFilters) => ["admin", "activity", "list", filters] as const,
    },
    reviews: {
      all: ["admin", "reviews"] as const,
      list: (filters: AdminReviewsFilters) => ["admin", "reviews", "list", filters] as const,
    },
  },
  catalog: {
    all: ["catalog"] as const,
    newest: (limit: number) => ["catalog", "newest", { limit }] as const,
    searchAll: ["catalog", "search"] as const,
    search: (filters: CatalogSearchFilters) => ["catalog", "search", filters] as const,
    productAll: ["catalog", "product"] as const,
    product: (id: string) => ["catalog", "product", id] as const,
    categories: ["catalog", "categories"] as const,
    shopAll: ["catalog", "shop"] as const,
    shop: (slug: string) => ["catalog", "shop", slug] as const,
  },
  seller: {
    all: ["seller"] as const,
    shop: ["seller", "shop"] as const,
    productLists: ["seller", "products"] as const,
    products: (filters: SellerProductsFilters) => ["seller", "products", filters] as const,
    productAll: ["seller", "product"] as const,
    product: (id: string) => ["seller", "product", id] as const,
    /** The shops the person works in (the seller area's switcher) and the chosen shop's team. */
    memberships: ["seller", "memberships"] as const,
    team: ["seller", "team"] as const,
  },
  /** The buyer's orders (the orders module builds on these keys). */
  orders: {
    all: ["orders"] as const,
    list: (filters: Record<string, unknown> = {}) => ["orders", "list", filters] as const,
    detail: (id: string) => ["orders", "detail", id] as const,
  },
  /** A shop's incoming seller orders. */
  sellerOrders: {
    all: ["sellerOrders"] as const,
    list: (filters: Record<string, unknown> = {}) => ["sellerOrders", "list", filters] as const,
    detail: (id: string) => ["sellerOrders", "detail", id] as const,
    /** Under `all`, so the live order events refresh the sales figures too. */
    summary: ["sellerOrders", "summary"] as const,
  },
  /** The signed-in person's server cart (a guest's cart lives in localStorage, not in the cache). */
  cart: ["cart"] as const,
  checkout: { lastAddress: ["checkout", "lastAddress"] as const },
  /** Review lists: a product's or a shop's (per filter under the target's key), the author's, the seller's. */
  reviews: {
    all: ["reviews"] as const,
    product: (productId: string) => ["reviews", "product", productId] as const,
    productList: (productId: string, filters: ReviewListFilters) => ["reviews", "product", productId, filters] as const,
    shop: (shopId: string) => ["reviews", "shop", shopId] as const,
    shopList: (shopId: string, filters: ReviewListFilters) => ["reviews", "shop", shopId, filters] as const,
    /** The signed-in author's reviews and what they may still review. */
    mine: ["reviews", "mine"] as const,
    toWrite: ["reviews", "toWrite"] as const,
    /** The seller area's list of the shop's reviews. */
    seller: ["reviews", "seller"] as const,
    sellerList: (filters: { unanswered: boolean }) => ["reviews", "seller", filters] as const,
  },
};

/** Keys of mutations that global handlers tell apart (see `onSessionLost` in query.ts). */
export const mutationKeys = {
  login: ["auth", "login"] as const,
  register: ["auth", "register"] as const,
};
