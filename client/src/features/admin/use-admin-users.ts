import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import { ROLES, USER_STATUSES, type Role, type UserStatus } from "@marketplace/shared";
import { computed, type Ref } from "vue";
import { useRoute, useRouter } from "vue-router";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type AdminUser = RouterOutputs["admin"]["users"]["list"]["items"][number];

export interface UserFilters {
  q?: string;
  role?: Role;
  status?: UserStatus;
}

const PAGE_SIZE = 20;

const pick = <T extends string>(allowed: readonly T[], v: unknown): T | undefined =>
  typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;

/**
 * The filters live in the URL (?q=&role=&status=), so a filtered list can be reloaded, shared
 * and navigated back to. Unknown values are ignored rather than sent.
 */
export function useUserFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed<UserFilters>(() => {
    const q = typeof route.query.q === "string" ? route.query.q.trim().slice(0, 100) : "";
    return {
      ...(q ? { q } : {}),
      ...(pick(ROLES, route.query.role) ? { role: pick(ROLES, route.query.role) } : {}),
      ...(pick(USER_STATUSES, route.query.status) ? { status: pick(USER_STATUSES, route.query.status) } : {}),
    };
  });
  function update(patch: Partial<Record<keyof UserFilters, string | undefined>>) {
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...filters.value, ...patch })) if (v) next[k] = v;
    void router.replace({ query: next });
  }
  return { filters, update };
}

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
