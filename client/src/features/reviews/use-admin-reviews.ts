import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import type { Ref } from "vue";
import { queryClient } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";
import { useUrlFilters, type FiltersOf } from "../admin/use-url-filters.ts";

export type AdminReviewPage = RouterOutputs["admin"]["reviews"]["list"];
export type AdminReview = AdminReviewPage["items"][number];

export const REVIEW_STATUSES = ["VISIBLE", "HIDDEN"] as const;
const SPEC = { status: REVIEW_STATUSES, reported: ["1"] } as const;

/** The moderation filters live in the URL (?status=VISIBLE&reported=1). */
export const useAdminReviewFilters = () => useUrlFilters(SPEC);
export type AdminReviewFilters = FiltersOf<typeof SPEC>;

/** Every review for moderation, reported ones first (with their reports). */
export function useAdminReviews(filters: Ref<AdminReviewFilters>) {
  return useInfiniteQuery(() => {
    const f = { ...(filters.value.status ? { status: filters.value.status } : {}), ...(filters.value.reported ? { reported: true } : {}) };
    return {
      queryKey: queryKeys.admin.reviews.list(f),
      queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
        trpc.admin.reviews.list.query({ ...f, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: AdminReviewPage) => last.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
    };
  });
}

/** A hide or restore changes the queue, every public list and the figures. */
function refreshAfterModeration() {
  void queryClient.invalidateQueries({ queryKey: queryKeys.admin.reviews.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.all });
}

export function useHideReview() {
  return useMutation({
    mutationFn: (input: RouterInputs["admin"]["reviews"]["hide"]) => trpc.admin.reviews.hide.mutate(input),
    onSettled: refreshAfterModeration,
  });
}

export function useRestoreReview() {
  return useMutation({
    mutationFn: (id: string) => trpc.admin.reviews.restore.mutate({ id }),
    onSettled: refreshAfterModeration,
  });
}
