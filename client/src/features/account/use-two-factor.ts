import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export function useTwoFactorStatus() {
  return useQuery({ queryKey: queryKeys.account.twoFactor, queryFn: () => trpc.account.twoFactor.status.query() });
}

/** A new secret to scan (QR code and text); nothing changes until a first code confirms it. */
export function useTwoFactorSetup() {
  return useMutation({ mutationFn: () => trpc.account.twoFactor.setup.mutate() });
}

/**
 * Confirms the set-up with a first code: two-factor is on, the recovery codes come back once, and
 * the other sessions were signed out. `me` is refetched (an admin held at the set-up is free).
 */
export function useTwoFactorEnable() {
  return useMutation({
    mutationFn: (input: RouterInputs["account"]["twoFactor"]["enable"]) => trpc.account.twoFactor.enable.mutate(input),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.account.twoFactor }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
        queryClient.invalidateQueries({ queryKey: queryKeys.account.sessions }),
      ]);
    },
  });
}

export function useTwoFactorDisable() {
  return useMutation({
    mutationFn: (input: RouterInputs["account"]["twoFactor"]["disable"]) => trpc.account.twoFactor.disable.mutate(input),
    async onSuccess() {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.account.twoFactor }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]);
    },
  });
}
