import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { toValue, type MaybeRefOrGetter } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type BuyerOrder = RouterOutputs["order"]["get"];
export type BuyerOrderPage = RouterOutputs["order"]["list"];
export type BuyerSellerOrder = BuyerOrder["sellerOrders"][number];

const PAGE_SIZE = 10;

/**
 * The buyer's orders, newest first, a page at a time. Under `queryKeys.orders.all`, which the
 * live `order.updated` events invalidate, so statuses change on screen as sellers move them.
 */
export function useMyOrders() {
  return useInfiniteQuery({
    queryKey: queryKeys.orders.list(),
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.order.list.query({ limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: BuyerOrderPage) => last.nextCursor ?? undefined,
  });
}

/** One of the buyer's orders (live through the same invalidation). */
export function useMyOrder(id: MaybeRefOrGetter<string>) {
  return useQuery(() => ({
    queryKey: queryKeys.orders.detail(toValue(id)),
    queryFn: () => trpc.order.get.query({ id: toValue(id) }),
    enabled: !!toValue(id),
  }));
}

/** An order came back changed from a mutation: show it, and let the list catch up. */
function storeOrder(order: BuyerOrder) {
  queryClient.setQueryData(queryKeys.orders.detail(order.id), order);
  void queryClient.invalidateQueries({ queryKey: queryKeys.orders.list() });
}

/** Cancels an unpaid order whole, or a paid order's unshipped part(s) (refunded). */
export function useCancelOrder() {
  return useMutation({
    mutationFn: (input: RouterInputs["order"]["cancel"]) => trpc.order.cancel.mutate(input),
    onSuccess: storeOrder,
    // Stock went back on sale.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.catalog.all }),
  });
}

/** The test provider's answer for an unpaid order: paid, or a declined card. */
export function useTestPayment() {
  return useMutation({
    mutationFn: (input: RouterInputs["payment"]["confirmTest"]) => trpc.payment.confirmTest.mutate(input),
    onSuccess: storeOrder,
  });
}
