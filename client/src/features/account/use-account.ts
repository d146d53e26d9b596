import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type SessionRow = RouterOutputs["account"]["sessions"][number];

export function useSessions() {
  return useQuery({ queryKey: queryKeys.account.sessions, queryFn: () => trpc.account.sessions.query() });
}

/** Renames the user; the header reads the new name from the `me` entry at once. */
export function useUpdateProfile() {
  return useMutation({
    mutationFn: (input: RouterInputs["account"]["updateProfile"]) => trpc.account.updateProfile.mutate(input),
    onSuccess(user) {
      queryClient.setQueryData(queryKeys.me, user);
    },
  });
}

/** Changes the password; the server signs out every other session, so the list is refetched. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (input: RouterInputs["account"]["changePassword"]) => trpc.account.changePassword.mutate(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.account.sessions }),
  });
}

/**
 * Revokes one session. Revoking the current one signs this browser out, so the `me` entry is
 * refetched and the account page's guard reacts.
 */
export function useRevokeSession() {
  return useMutation({
    mutationFn: (session: Pick<SessionRow, "id" | "current">) => trpc.account.revokeSession.mutate({ id: session.id }),
    async onSuccess(_data, session) {
      if (session.current) {
        queryClient.setQueryData(queryKeys.me, null);
        return;
      }
      queryClient.setQueryData<SessionRow[]>(queryKeys.account.sessions, (rows) => rows?.filter((r) => r.id !== session.id));
      await queryClient.invalidateQueries({ queryKey: queryKeys.account.sessions });
    },
  });
}
