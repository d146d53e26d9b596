import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { SHOP_STATUSES, type ShopStatus } from "@marketplace/shared";
import { computed, type Ref } from "vue";
import { useRoute, useRouter } from "vue-router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type AdminShop = RouterOutputs["admin"]["shops"]["list"]["items"][number];

export interface ShopFilters {
  q?: string;
  status?: ShopStatus;
}

const PAGE_SIZE = 20;

/** The filters live in the URL (?q=&status=), like the users page's. */
export function useShopFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed<ShopFilters>(() => {
    const q = typeof route.query.q === "string" ? route.query.q.trim().slice(0, 100) : "";
    const status = typeof route.query.status === "string" && (SHOP_STATUSES as readonly string[]).includes(route.query.status)
      ? (route.query.status as ShopStatus)
      : undefined;
    return { ...(q ? { q } : {}), ...(status ? { status } : {}) };
  });
  function update(patch: Partial<Record<keyof ShopFilters, string | undefined>>) {
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...filters.value, ...patch })) if (v) next[k] = v;
    void router.replace({ query: next });
  }
  return { filters, update };
}

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
