import { keepPreviousData, useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { toValue, watch, type MaybeRefOrGetter } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { reconnectSocket } from "../../lib/socket.ts";
import { trpc } from "../../lib/trpc.ts";

export type MyShop = NonNullable<RouterOutputs["shop"]["mine"]>;
export type SellerProductRow = RouterOutputs["product"]["listMine"][number];
export type SellerProduct = RouterOutputs["product"]["getMine"];
export type SellerProductStatus = NonNullable<RouterInputs["product"]["listMine"]["status"]>;

/**
 * The caller's own shop, or null. An approval or a suspension arrives as `shop.updated` (see
 * live-cache.ts), which patches this entry at once; after a reconnect every query refetches, so
 * no poll is needed. When the status changes, `me` is refetched for the new SELLER role.
 */
export function useMyShop() {
  const query = useQuery({
    queryKey: queryKeys.seller.shop,
    queryFn: () => trpc.shop.mine.query(),
  });
  watch(
    () => query.data.value?.status,
    (now, before) => {
      if (before && now && now !== before) void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  );
  return query;
}

/** Opens a shop (PENDING). The socket reconnects so that it joins the new shop's room. */
export function useCreateShop() {
  return useMutation({
    mutationFn: (input: RouterInputs["shop"]["create"]) => trpc.shop.create.mutate(input),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: queryKeys.seller.all });
      reconnectSocket();
    },
  });
}

export function useUpdateShop() {
  return useMutation({
    mutationFn: (input: RouterInputs["shop"]["update"]) => trpc.shop.update.mutate(input),
    onSuccess(shop) {
      // The answer is the shop alone; the member's role and permissions stay as they were.
      queryClient.setQueryData<MyShop | null>(queryKeys.seller.shop, (before) => (before ? { ...before, ...shop } : before));
      void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.shopAll });
    },
  });
}

/** The shop's products, newest first, optionally one status (only asked while `enabled`). */
export function useMyProducts(status: MaybeRefOrGetter<SellerProductStatus | undefined>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(() => {
    const s = toValue(status);
    return {
      queryKey: queryKeys.seller.products(s ? { status: s } : {}),
      queryFn: () => trpc.product.listMine.query(s ? { status: s } : {}),
      placeholderData: keepPreviousData,
      enabled: toValue(enabled),
    };
  });
}

/** One of the shop's products, for the editor (disabled while `id` is null: a new product). */
export function useMyProduct(id: MaybeRefOrGetter<string | null>) {
  return useQuery(() => ({
    queryKey: queryKeys.seller.product(toValue(id) ?? ""),
    queryFn: () => trpc.product.getMine.query({ id: toValue(id)! }),
    enabled: !!toValue(id),
    // The editor keeps its own copy while someone types; no surprise refetches underneath.
    refetchOnWindowFocus: false,
  }));
}

/** After any product change: the seller's lists and every public list may show it. */
function afterProductChange(product?: SellerProduct) {
  if (product) queryClient.setQueryData(queryKeys.seller.product(product.id), product);
  void queryClient.invalidateQueries({ queryKey: queryKeys.seller.productLists });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.all });
}

export function useCreateProduct() {
  return useMutation({
    mutationFn: (input: RouterInputs["product"]["create"]) => trpc.product.create.mutate(input),
    onSuccess: (product) => afterProductChange(product),
  });
}

export function useUpdateProduct() {
  return useMutation({
    mutationFn: (input: RouterInputs["product"]["update"]) => trpc.product.update.mutate(input),
    onSuccess: (product) => afterProductChange(product),
  });
}

export function useArchiveProduct() {
  return useMutation({
    mutationFn: (input: RouterInputs["product"]["archive"]) => trpc.product.archive.mutate(input),
    onSuccess: (product) => afterProductChange(product),
  });
}
