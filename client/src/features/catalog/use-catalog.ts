import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { computed, toValue, type MaybeRefOrGetter } from "vue";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type ProductCardData = RouterOutputs["catalog"]["newest"][number];
export type CatalogProduct = RouterOutputs["catalog"]["product"];
export type CatalogVariant = CatalogProduct["variants"][number];
export type CategoryNode = RouterOutputs["catalog"]["categories"][number];
export type SearchPage = RouterOutputs["catalog"]["search"];
export type SearchFacets = SearchPage["facets"];
export type SearchFilters = Omit<RouterInputs["catalog"]["search"], "cursor" | "limit">;
export type ShopProfile = RouterOutputs["shop"]["bySlug"];

/** The newest visible products (home page). */
export function useNewestProducts(limit = 24) {
  return useQuery({
    queryKey: queryKeys.catalog.newest(limit),
    queryFn: () => trpc.catalog.newest.query({ limit }),
  });
}

const SEARCH_PAGE_SIZE = 24;

/** Search pages for the filters; the first page's facets describe the whole result set. */
export function useProductSearch(filters: MaybeRefOrGetter<SearchFilters>) {
  return useInfiniteQuery(() => ({
    queryKey: queryKeys.catalog.search(toValue(filters)),
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.catalog.search.query({ ...toValue(filters), limit: SEARCH_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: SearchPage) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  }));
}

/** One listed product with its variants, images, shop and category path. */
export function useCatalogProduct(id: MaybeRefOrGetter<string>) {
  return useQuery(() => ({
    queryKey: queryKeys.catalog.product(toValue(id)),
    queryFn: () => trpc.catalog.product.query({ id: toValue(id) }),
  }));
}

/** The category tree with listed-product counts; rarely changes. */
export function useCategories() {
  return useQuery({
    queryKey: queryKeys.catalog.categories,
    queryFn: () => trpc.catalog.categories.query(),
    staleTime: 5 * 60_000,
  });
}

/** A shop's public profile and its newest products. */
export function useShopProfile(slug: MaybeRefOrGetter<string>) {
  return useQuery(() => ({
    queryKey: queryKeys.catalog.shop(toValue(slug)),
    queryFn: () => trpc.shop.bySlug.query({ slug: toValue(slug) }),
  }));
}

export interface FlatCategory {
  id: string;
  name: string;
  depth: number;
  productCount: number;
  parentId: string | null;
}

/** The tree in display order (each category before its children), with depths for indenting. */
export function flattenCategories(tree: readonly CategoryNode[], depth = 0): FlatCategory[] {
  return tree.flatMap((c) => [
    { id: c.id, name: c.name, depth, productCount: c.productCount, parentId: c.parentId },
    ...flattenCategories(c.children as CategoryNode[], depth + 1),
  ]);
}

/** A flat, indented category list for selects, or [] while the tree loads or is unavailable. */
export function useFlatCategories() {
  const categories = useCategories();
  const flat = computed(() => flattenCategories(categories.data.value ?? []));
  return { categories, flat };
}

/** "Only 3 left", "Sold out", "In stock": what a buyer reads about a variant's stock. */
export function stockLabel(stock: number): { text: string; tone: "success" | "warning" | "danger" } {
  if (stock <= 0) return { text: "Sold out", tone: "danger" };
  if (stock <= 5) return { text: `Only ${stock} left`, tone: "warning" };
  return { text: "In stock", tone: "success" };
}
