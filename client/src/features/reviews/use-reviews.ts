import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, type InfiniteData } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import type { ReviewSort } from "@marketplace/shared";
import { computed, toValue, type MaybeRefOrGetter } from "vue";
import { queryClient, useMe } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type ReviewPage = RouterOutputs["review"]["listProduct"];
export type PublicReview = ReviewPage["items"][number];
export type ReviewSummary = NonNullable<ReviewPage["summary"]>;
export type MyReview = RouterOutputs["review"]["mine"][number];
export type ToWrite = RouterOutputs["review"]["toWrite"][number];
export type SellerReviewPage = RouterOutputs["review"]["forMyShop"];
export type SellerReview = SellerReviewPage["items"][number];

/** What a public list is about: a product's reviews, or a shop's own (of the seller). */
export interface ReviewTarget {
  kind: "product" | "shop";
  id: string;
}

export interface ReviewListFilters {
  rating?: number;
  sort: ReviewSort;
}

export const SORT_LABELS: Record<ReviewSort, string> = {
  newest: "Newest",
  helpful: "Most helpful",
  rating_desc: "Highest rating",
  rating_asc: "Lowest rating",
};

const PAGE_SIZE = 10;

/**
 * A product's or shop's visible reviews, a page at a time, with the rating summary on the first
 * page. Under `queryKeys.reviews.product(id)` / `.shop(id)`, which the live review events
 * invalidate, so a new review and the new average show without a reload.
 */
export function useReviewList(target: MaybeRefOrGetter<ReviewTarget>, filters: MaybeRefOrGetter<ReviewListFilters>) {
  return useInfiniteQuery(() => {
    const t = toValue(target);
    const f = toValue(filters);
    const input = { sort: f.sort, limit: PAGE_SIZE, ...(f.rating ? { rating: f.rating } : {}) };
    const queryKey: readonly unknown[] = t.kind === "product" ? queryKeys.reviews.productList(t.id, f) : queryKeys.reviews.shopList(t.id, f);
    return {
      queryKey,
      queryFn: ({ pageParam }: { pageParam: string | undefined }): Promise<ReviewPage> => {
        const page = pageParam ? { cursor: pageParam } : {};
        return t.kind === "product"
          ? trpc.review.listProduct.query({ productId: t.id, ...input, ...page })
          : trpc.review.listShop.query({ shopId: t.id, ...input, ...page });
      },
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: ReviewPage) => last.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
      enabled: !!t.id,
    };
  });
}

/** The signed-in person's reviews, hidden ones included (with the marketplace's reason). */
export function useMyReviews(enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(() => ({ queryKey: queryKeys.reviews.mine, queryFn: () => trpc.review.mine.query(), enabled: toValue(enabled) }));
}

/** Delivered purchases not reviewed yet, per seller order. */
export function useReviewsToWrite() {
  return useQuery({ queryKey: queryKeys.reviews.toWrite, queryFn: () => trpc.review.toWrite.query() });
}

/**
 * What the signed-in buyer has reviewed already (product ids, and shop ids for reviews of a
 * shop itself), for "Review" / "Reviewed" next to a delivered order's lines.
 */
export function useReviewedSets() {
  const me = useMe();
  const mine = useMyReviews(() => !!me.data.value);
  return computed(() => {
    const rows = mine.data.value ?? [];
    return {
      ready: mine.isSuccess.value,
      products: new Set(rows.filter((r) => r.product).map((r) => r.product!.id)),
      shops: new Set(rows.filter((r) => !r.product).map((r) => r.shop.id)),
    };
  });
}

/** The seller's reviews of their shop and its products; live with the review events of the shop's room. */
export function useSellerReviews(unanswered: MaybeRefOrGetter<boolean>) {
  return useInfiniteQuery(() => {
    const only = toValue(unanswered);
    return {
      queryKey: queryKeys.reviews.sellerList({ unanswered: only }),
      queryFn: ({ pageParam }: { pageParam: string | undefined }) =>
        trpc.review.forMyShop.query({ unanswered: only, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last: SellerReviewPage) => last.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
    };
  });
}

type AnyReviewPage = { items: { id: string }[] };

/** Patches one review wherever a paged list of the cache shows it (public lists and the seller's). */
function patchListed<T extends { id: string }>(id: string, patch: (review: T) => T) {
  for (const prefix of [["reviews", "product"], ["reviews", "shop"], queryKeys.reviews.seller]) {
    queryClient.setQueriesData<InfiniteData<AnyReviewPage>>({ queryKey: prefix }, (data) =>
      data
        ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((r) => (r.id === id ? patch(r as unknown as T) : r)) })) }
        : data,
    );
  }
}

/** After the author's change: their lists, what is left to review, and the public lists and figures. */
function afterAuthorChange() {
  void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.productAll });
  void queryClient.invalidateQueries({ queryKey: queryKeys.catalog.shopAll });
}

export function useCreateProductReview() {
  return useMutation({
    mutationFn: (input: RouterInputs["review"]["createProduct"]) => trpc.review.createProduct.mutate(input),
    onSettled: afterAuthorChange,
  });
}

export function useCreateShopReview() {
  return useMutation({
    mutationFn: (input: RouterInputs["review"]["createShop"]) => trpc.review.createShop.mutate(input),
    onSettled: afterAuthorChange,
  });
}

export function useUpdateReview() {
  return useMutation({
    mutationFn: (input: RouterInputs["review"]["update"]) => trpc.review.update.mutate(input),
    onSettled: afterAuthorChange,
  });
}

export function useDeleteReview() {
  return useMutation({
    mutationFn: (id: string) => trpc.review.delete.mutate({ id }),
    onSuccess: (_r, id) => queryClient.setQueryData<MyReview[]>(queryKeys.reviews.mine, (rows) => rows?.filter((r) => r.id !== id)),
    onSettled: afterAuthorChange,
  });
}

/** "Helpful": the count the server answers, and the voted state, in every list showing the review. */
export function useVoteHelpful() {
  return useMutation({
    mutationFn: (id: string) => trpc.review.vote.mutate({ id }),
    onSuccess: (r) => patchListed<PublicReview>(r.id, (review) => ({ ...review, helpfulCount: r.helpfulCount, votedHelpful: true })),
  });
}

export function useReportReview() {
  return useMutation({ mutationFn: (input: RouterInputs["review"]["report"]) => trpc.review.report.mutate(input) });
}

/** The shop's public reply (a second one replaces the first). */
export function useReplyToReview() {
  return useMutation({
    mutationFn: (input: RouterInputs["review"]["reply"]) => trpc.review.reply.mutate(input),
    onSuccess: (r) => patchListed<PublicReview>(r.id, (review) => ({ ...review, reply: r.reply })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.reviews.seller }),
  });
}

/** The figures as "4.3" and the "1 review" / "12 reviews" phrase. */
export const reviewCount = (n: number) => `${n} ${n === 1 ? "review" : "reviews"}`;
