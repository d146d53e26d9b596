import { MutationCache, QueryCache, QueryClient, queryOptions, useQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { TRPCClientError } from "@trpc/client";
import { queryKeys } from "./query-keys.ts";
import { isUnauthorized, trpc } from "./trpc.ts";

/** Codes that a retry cannot fix. */
const FINAL_CODES = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"]);

/**
 * A call answered UNAUTHORIZED: the session ended (expired, revoked elsewhere, banned). Forget
 * the user; App.vue sends them to sign in when the page needs it. Signing in is exempt: there
 * UNAUTHORIZED means a wrong password, not a lost session.
 */
function onSessionLost(error: unknown, key: readonly unknown[] | undefined) {
  if (isUnauthorized(error) && key?.[0] !== queryKeys.me[0]) queryClient.setQueryData(queryKeys.me, null);
}

/**
 * The browser's one query client. The server renders each page with a client of its own
 * (entry-server.ts); its dehydrated entries seed this one (main.ts), so hydration fetches nothing.
 */
export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => onSessionLost(error, query.queryKey) }),
  mutationCache: new MutationCache({ onError: (error, _v, _c, mutation) => onSessionLost(error, mutation.options.mutationKey) }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (count, error) => {
        const code = error instanceof TRPCClientError ? (error.data as { code?: string } | null)?.code : undefined;
        return !(code && FINAL_CODES.has(code)) && count < 2;
      },
    },
    mutations: { retry: false },
  },
});

/** The signed-in user, or null. The router's guards and the header share this one entry. */
export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: () => trpc.auth.me.query(),
  staleTime: 5 * 60_000,
  // Never on the server: a server-rendered page is the same for everyone (SECURITY.md 49).
  enabled: !import.meta.env.SSR,
});

export function useMe() {
  return useQuery(meQuery);
}

export type Me = NonNullable<RouterOutputs["auth"]["me"]>;

/**
 * After signing in or out, the cache holds another person's data: keep only the `me` entry
 * (already set to the new user) and drop the rest, so every page refetches as the new user.
 */
export function forgetOtherUsersData(): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me[0] || q.queryKey[1] !== queryKeys.me[1] });
}
