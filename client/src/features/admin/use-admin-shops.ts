import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { SHOP_STATUSES } from "@marketplace/shared";
import type { Ref } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";
import { useUrlFilters, type FiltersOf } from "./use-url-filters.ts";

export type AdminShop = RouterOutputs["admin"]["shops"]["list"]["items"][number];

const PAGE_SIZE = 20;

/** The filters live in the URL (?q=&status=). */
export const useShopFilters = () => useUrlFilters({ q: "text", status: SHOP_STATUSES });
export type ShopFilters = FiltersOf<{ q: "text"; status: typeof SHOP_STATUSES }>;

/** The queue: pending shops first (oldest waiting first), then suspended, then active. */
export function useAdminShops(filters: Ref<ShopFilters>) {
  return useInfiniteQuery(() => ({
    queryKey: queryKeys.admin.shops.list(filters.value),
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.admin.shops.list.query({ ...filters.value, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: RouterOutputs["admin"]["shops"]["list"]) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  }));
}

/** A shop's status decides what the catalog shows and whether its owner is a seller. */
function refreshAfterModeration() {
  void queryClient.invalidateQueries({ queryKey: queryKeys.admin.shops.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.admin.users.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.all });
}

export function useApproveShop() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["shops"]["approve"]) => trpc.admin.shops.approve.mutate(input),
    onSettled: refreshAfterModeration,
  });
}

export function useSuspendShop() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["shops"]["suspend"]) => trpc.admin.shops.suspend.mutate(input),
    onSettled: refreshAfterModeration,
  });
}
