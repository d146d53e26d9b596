import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type PlacedOrder = RouterOutputs["checkout"]["placeOrder"];
export type PaymentInfo = PlacedOrder["payment"];

/**
 * A fresh idempotency key for one checkout attempt: 32 hex characters from the browser's CSPRNG
 * (getRandomValues works on plain http too, where crypto.randomUUID does not exist).
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Places the order from the cart. The caller sends the same key for every try of one attempt, so
 * a double click or a retry after a lost answer returns the same order instead of a second one.
 */
export function usePlaceOrder() {
  return useMutation({
    mutationFn: (input: RouterInputs["checkout"]["placeOrder"]) => trpc.checkout.placeOrder.mutate(input),
    onSettled() {
      // Success empties the cart; a refusal (stock ran out) changes what it shows.
      void queryClient.invalidateQueries({ queryKey: queryKeys.cart });
      void queryClient.invalidateQueries({ queryKey: queryKeys.orders.all });
    },
  });
}

/** The address of the buyer's latest order (null: none yet), to fill the checkout form with. */
export function useLastAddress() {
  return useQuery({ queryKey: queryKeys.checkout.lastAddress, queryFn: () => trpc.checkout.lastAddress.query(), staleTime: 0 });
}
