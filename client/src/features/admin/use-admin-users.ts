import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { ROLES, USER_STATUSES, type Role } from "@marketplace/shared";
import type { Ref } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";
import { useUrlFilters, type FiltersOf } from "./use-url-filters.ts";

export type AdminUser = RouterOutputs["admin"]["users"]["list"]["items"][number];

const PAGE_SIZE = 20;

/** "seller" in a sentence, "Seller" in a list; an admin is "an admin" in a sentence. */
export function roleLabel(role: Role, capital = false): string {
  const word = role.toLowerCase();
  if (capital) return word.charAt(0).toUpperCase() + word.slice(1);
  return role === "ADMIN" ? "an admin" : `a ${word}`;
}

/** The filters live in the URL (?q=&role=&status=). */
export const useUserFilters = () => useUrlFilters({ q: "text", role: ROLES, status: USER_STATUSES });
export type UserFilters = FiltersOf<{ q: "text"; role: typeof ROLES; status: typeof USER_STATUSES }>;

/** Pages of users for the filters, newest first; `fetchNextPage` follows the cursor. */
export function useAdminUsers(filters: Ref<UserFilters>) {
  return useInfiniteQuery(() => ({
    queryKey: queryKeys.admin.users.list(filters.value),
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.admin.users.list.query({ ...filters.value, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: RouterOutputs["admin"]["users"]["list"]) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  }));
}

/** After any change, every cached list (all filters) may be out of date. */
const refreshLists = () => queryClient.invalidateQueries({ queryKey: queryKeys.admin.users.all });

export function useSetRole() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["users"]["setRole"]) => trpc.admin.users.setRole.mutate(input),
    onSettled: refreshLists,
  });
}

export function useBan() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["users"]["ban"]) => trpc.admin.users.ban.mutate(input),
    onSettled: refreshLists,
  });
}

export function useUnban() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["users"]["unban"]) => trpc.admin.users.unban.mutate(input),
    onSettled: refreshLists,
  });
}
