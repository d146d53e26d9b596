import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { chosenShopId } from "../../lib/shop-choice.ts";
import { reconnectSocket } from "../../lib/socket.ts";
import { trpc } from "../../lib/trpc.ts";

export type Membership = RouterOutputs["shop"]["memberships"][number];
export type Team = RouterOutputs["shop"]["team"]["list"];

/** Every shop the person works in, with their role: the seller area's shop switcher. */
export function useMemberships(enabled: () => boolean = () => true) {
  return useQuery(() => ({ queryKey: queryKeys.seller.memberships, queryFn: () => trpc.shop.memberships.query(), enabled: enabled() }));
}

/** Switches the seller area to another shop: every query refetches for it. */
export function chooseShop(shopId: string) {
  if (chosenShopId.value === shopId) return;
  chosenShopId.value = shopId;
  void queryClient.invalidateQueries();
}

/** The chosen shop's members and pending invitations. */
export function useTeam() {
  return useQuery({ queryKey: queryKeys.seller.team, queryFn: () => trpc.shop.team.list.query() });
}

const refreshTeam = () => queryClient.invalidateQueries({ queryKey: queryKeys.seller.team });

export function useInvite() {
  return useMutation({ mutationFn: (input: RouterInputs["shop"]["team"]["invite"]) => trpc.shop.team.invite.mutate(input), onSuccess: refreshTeam });
}
export function useSetRole() {
  return useMutation({ mutationFn: (input: RouterInputs["shop"]["team"]["setRole"]) => trpc.shop.team.setRole.mutate(input), onSuccess: refreshTeam });
}
export function useRemoveMember() {
  return useMutation({ mutationFn: (userId: string) => trpc.shop.team.remove.mutate({ userId }), onSuccess: refreshTeam });
}
export function useRevokeInvite() {
  return useMutation({ mutationFn: (id: string) => trpc.shop.team.revokeInvite.mutate({ id }), onSuccess: refreshTeam });
}

/** Accepts an invitation: the new shop becomes the chosen one, and the socket reconnects to be sure of its rooms. */
export function useAcceptInvite() {
  return useMutation({
    mutationFn: (token: string) => trpc.shop.team.accept.mutate({ token }),
    onSuccess(joined) {
      chosenShopId.value = joined.shop.id;
      void queryClient.invalidateQueries();
      reconnectSocket();
    },
  });
}
