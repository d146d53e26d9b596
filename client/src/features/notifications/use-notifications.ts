import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { computed } from "vue";
import { queryClient, useMe } from "../../lib/query.ts";
import { trpc } from "../../lib/trpc.ts";

export type NotificationRow = RouterOutputs["notification"]["list"]["items"][number];

/** The notifications' vue-query keys: one prefix, so a live event refreshes the count and the list. */
export const notificationKeys = {
  all: ["notifications"] as const,
  unread: ["notifications", "unread"] as const,
  list: ["notifications", "list"] as const,
};

/** The bell's number: only for a signed-in user; a live `notification` event refreshes it. */
export function useUnreadCount() {
  const me = useMe();
  const query = useQuery({
    queryKey: notificationKeys.unread,
    queryFn: () => trpc.notification.unreadCount.query(),
    enabled: computed(() => Boolean(me.data.value)),
  });
  return computed(() => (me.data.value ? (query.data.value?.count ?? 0) : 0));
}

export function useNotificationList() {
  return useInfiniteQuery({
    queryKey: notificationKeys.list,
    queryFn: ({ pageParam }) => trpc.notification.list.query({ cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

const refresh = () => queryClient.invalidateQueries({ queryKey: notificationKeys.all });

export function useMarkRead() {
  return useMutation({
    mutationFn: (id: string) => trpc.notification.markRead.mutate({ id }),
    onSuccess: (count) => queryClient.setQueryData(notificationKeys.unread, count),
    onSettled: refresh,
  });
}

export function useMarkAllRead() {
  return useMutation({
    mutationFn: () => trpc.notification.markAllRead.mutate(),
    onSuccess: (count) => queryClient.setQueryData(notificationKeys.unread, count),
    onSettled: refresh,
  });
}

/** A live notification: the count goes up at once (the refetch confirms it), the list refetches. */
export function onNotificationPushed(): void {
  queryClient.setQueryData<{ count: number }>(notificationKeys.unread, (c) => (c ? { count: c.count + 1 } : c));
  void refresh();
}
