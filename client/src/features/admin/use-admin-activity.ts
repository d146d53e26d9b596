import { useInfiniteQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { ACTIVITY_KINDS, type ActivityKind } from "@marketplace/shared";
import { computed, type Ref } from "vue";
import { useRoute, useRouter } from "vue-router";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type ActivityItem = RouterOutputs["admin"]["activity"]["list"]["items"][number];

export interface ActivityFilters {
  kind?: ActivityKind;
}

const PAGE_SIZE = 30;

export const ACTIVITY_LABELS: Record<ActivityKind, string> = {
  "user.registered": "Sign-up",
  "user.role_changed": "Role change",
  "user.banned": "Ban",
  "user.unbanned": "Unban",
  "shop.created": "New shop",
  "shop.approved": "Shop approved",
  "shop.suspended": "Shop suspended",
  "order.placed": "Order placed",
  "order.paid": "Order paid",
  "order.status_changed": "Order status",
  "order.cancelled": "Order cancelled",
  "review.created": "Review",
  "review.hidden": "Review hidden",
  "review.restored": "Review restored",
  "review.reported": "Review reported",
  "payout.account_updated": "Payout account",
  "payout.transfer_failed": "Payout failed",
  "payout.dispute": "Dispute",
  "payout.refund": "Refund after delivery",
  "shop.updated": "Shop edited",
  "product.created": "Product added",
  "product.updated": "Product edited",
  "product.archived": "Product archived",
  "review.replied": "Review reply",
  "team.invited": "Team invitation",
  "team.joined": "Team member joined",
  "team.role_changed": "Team role change",
  "team.removed": "Team member removed",
};

/** The label of a kind; the raw kind for one this client does not know yet. */
export const activityLabel = (kind: string): string => ACTIVITY_LABELS[kind as ActivityKind] ?? kind;

export function activityTone(kind: string): "neutral" | "accent" | "success" | "danger" | "warning" {
  if (/banned|suspended|cancelled|hidden/.test(kind)) return "danger";
  if (/registered|approved|paid|unbanned/.test(kind)) return "success";
  if (/created|placed/.test(kind)) return "accent";
  return "neutral";
}

/** The kind filter lives in the URL (?kind=shop.created). */
export function useActivityFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed<ActivityFilters>(() => {
    const k = route.query.kind;
    return typeof k === "string" && (ACTIVITY_KINDS as readonly string[]).includes(k) ? { kind: k as ActivityKind } : {};
  });
  function setKind(kind: string | undefined) {
    void router.replace({ query: kind ? { kind } : {} });
  }
  return { filters, setKind };
}

/**
 * The audit log, newest first. Live `activity` events are prepended to these pages by
 * lib/live-cache.ts; `fetchNextPage` follows the cursor into the past.
 */
export function useActivityFeed(filters: Ref<ActivityFilters>) {
  return useInfiniteQuery(() => ({
    queryKey: queryKeys.admin.activity.list(filters.value),
    queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
      trpc.admin.activity.list.query({ ...filters.value, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: RouterOutputs["admin"]["activity"]["list"]) => last.nextCursor ?? undefined,
    // Live events keep it current; refetching on focus would only reshuffle what is on screen.
    staleTime: Infinity,
  }));
}
