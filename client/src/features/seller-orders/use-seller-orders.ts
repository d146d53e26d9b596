import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { toValue, type MaybeRefOrGetter } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type SellerOrderPage = RouterOutputs["sellerOrder"]["list"];
export type SellerOrderRow = SellerOrderPage["items"][number];
export type SellerOrderStatusFilter = NonNullable<RouterInputs["sellerOrder"]["list"]["status"]>;
export type SellerSummary = RouterOutputs["sellerOrder"]["summary"];

const PAGE_SIZE = 10;

/**
 * The shop's incoming orders (paid and later unless a status is chosen), newest first. Under
 * `queryKeys.sellerOrders.all`: the live `order.created` / `order.updated` events refresh it.
 */
export function useSellerOrders(status: MaybeRefOrGetter<SellerOrderStatusFilter | undefined>) {
  return useInfiniteQuery(() => {
    const s = toValue(status);
    return {
      queryKey: queryKeys.sellerOrders.list(s ? { status: s } : {}),
      queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
        trpc.sellerOrder.list.query({ limit: PAGE_SIZE, ...(s ? { status: s } : {}), ...(pageParam ? { cursor: pageParam } : {}) }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: SellerOrderPage) => last.nextCursor ?? undefined,
    };
  });
}

/** Sales, fees, refunds and balance from the shop's ledger, and its orders counted per status. */
export function useSellerSummary() {
  return useQuery({
    queryKey: queryKeys.sellerOrders.summary,
    queryFn: () => trpc.sellerOrder.summary.query(),
  });
}

/** After a change: the changed order in every list it shows in, then the lists and figures afresh. */
function afterChange(row: SellerOrderRow) {
  queryClient.setQueriesData<{ pages: SellerOrderPage[]; pageParams: unknown[] }>({ queryKey: [...queryKeys.sellerOrders.all, "list"] }, (data) =>
    data ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((i) => (i.id === row.id ? row : i)) })) } : data,
  );
  void queryClient.invalidateQueries({ queryKey: queryKeys.sellerOrders.all });
}

/** PAID → PROCESSING → SHIPPED (with a tracking number) → DELIVERED. */
export function useUpdateSellerOrderStatus() {
  return useMutation({
    mutationFn: (input: RouterInputs["sellerOrder"]["updateStatus"]) => trpc.sellerOrder.updateStatus.mutate(input),
    onSuccess: afterChange,
    // CONFLICT: it changed meanwhile (the buyer cancelled): show it as it is.
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.sellerOrders.all }),
  });
}

/** Cancels (and refunds) the shop's part before it ships; its stock goes back on sale. */
export function useCancelSellerOrder() {
  return useMutation({
    mutationFn: (id: string) => trpc.sellerOrder.cancel.mutate({ id }),
    onSuccess: afterChange,
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.sellerOrders.all }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.seller.productLists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.all });
    },
  });
}
