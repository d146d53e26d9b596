import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { trpc } from "../../lib/trpc.ts";

export type MailPreference = RouterOutputs["mail"]["preferences"]["kinds"][number];
export type MailboxMessage = RouterOutputs["mail"]["mailbox"]["items"][number];
export type DeadMail = RouterOutputs["mail"]["dead"]["items"][number];

export const mailKeys = {
  preferences: ["mail", "preferences"] as const,
  mailbox: ["mail", "mailbox"] as const,
  dead: ["mail", "dead"] as const,
};

export function useMailPreferences() {
  return useQuery({ queryKey: mailKeys.preferences, queryFn: () => trpc.mail.preferences.query() });
}

export function useSetMailPreference() {
  return useMutation({
    mutationFn: (input: { kind: string; enabled: boolean }) => trpc.mail.setPreference.mutate(input),
    onSuccess: (prefs) => queryClient.setQueryData(mailKeys.preferences, prefs),
  });
}

/** The local outbox (development without SMTP_URL): the signed-in user's own mail. */
export function useMailbox() {
  return useInfiniteQuery({
    queryKey: mailKeys.mailbox,
    queryFn: ({ pageParam }) => trpc.mail.mailbox.query({ cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // New mail shows up without a reload; nothing to poll where there is no local mailbox.
    refetchInterval: (query) => (query.state.status === "error" ? false : 5_000),
  });
}

export function useDeadMail() {
  return useInfiniteQuery({
    queryKey: mailKeys.dead,
    queryFn: ({ pageParam }) => trpc.mail.dead.query({ cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useRetryMail() {
  return useMutation({
    mutationFn: (id: string) => trpc.mail.retry.mutate({ id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mailKeys.dead }),
  });
}
