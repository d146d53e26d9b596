import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { computed } from "vue";
import { queryClient, useMe } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";
import { mergeInFlight } from "./cart-sync.ts";
import { guestItemCount } from "./guest-cart.ts";

export type Cart = RouterOutputs["cart"]["get"];
export type CartShopGroup = Cart["shops"][number];
export type CartLine = CartShopGroup["lines"][number];
export type CartWarning = CartLine["warnings"][number];

/**
 * Every cart change runs in this one mutation scope, so changes reach the server one after the
 * other and the cart each returns (set as the cached cart) is never overtaken by an older one.
 */
const CART_SCOPE = { id: "cart" };

function setCart(cart: Cart) {
  queryClient.setQueryData(queryKeys.cart, cart);
}

/** The signed-in person's cart (asked only while signed in; a guest merge in flight lands first). */
export function useCart() {
  const me = useMe();
  return useQuery(() => ({
    queryKey: queryKeys.cart,
    queryFn: async () => {
      await mergeInFlight();
      return trpc.cart.get.query();
    },
    enabled: !!me.data.value,
  }));
}

/** Units in the cart for the header badge: the server cart's when signed in, else the guest cart's. */
export function useCartCount() {
  const me = useMe();
  const cart = useCart();
  return computed(() => (me.data.value ? (cart.data.value?.itemCount ?? 0) : guestItemCount.value));
}

export function useAddToCart() {
  return useMutation({
    scope: CART_SCOPE,
    mutationFn: (input: RouterInputs["cart"]["add"]) => trpc.cart.add.mutate(input),
    onSuccess: setCart,
  });
}

/** Sets a line's quantity (which also accepts the line's current price). */
export function useUpdateCartLine() {
  return useMutation({
    scope: CART_SCOPE,
    mutationFn: (input: RouterInputs["cart"]["update"]) => trpc.cart.update.mutate(input),
    onSuccess: setCart,
    // "Only 2 left": the stock moved; show the cart as it is now.
    onError: () => queryClient.invalidateQueries({ queryKey: queryKeys.cart }),
  });
}

export function useRemoveCartLine() {
  return useMutation({
    scope: CART_SCOPE,
    mutationFn: (variantId: string) => trpc.cart.remove.mutate({ variantId }),
    onSuccess: setCart,
  });
}

export function useClearCart() {
  return useMutation({
    scope: CART_SCOPE,
    mutationFn: () => trpc.cart.clear.mutate(),
    onSuccess: setCart,
  });
}

/** Why the cart cannot be checked out as it is, or null when it can. */
export function checkoutBlocker(cart: Cart): string | null {
  if (cart.canCheckout) return null;
  const lines = cart.shops.flatMap((s) => s.lines);
  if (!lines.length) return "Your cart is empty.";
  if (lines.some((l) => !l.available || l.stock === 0)) return "Remove the items that can no longer be bought to check out.";
  if (lines.some((l) => l.stock < l.quantity)) return "Lower the quantities marked “Only … left” to check out.";
  if (cart.blocker) return cart.blocker.message;
  return "Some items in your cart can't be bought right now.";
}
