import { z } from "zod";
import { idSchema, text } from "./common.ts";

/** Review text limits (after trimming). */
export const REVIEW_LIMITS = { title: 120, body: 5000, reply: 2000, reason: 500 } as const;

export const ratingSchema = z
  .number({ error: "Choose 1 to 5 stars" })
  .int("Whole stars only")
  .min(1, "At least 1 star")
  .max(5, "At most 5 stars");

const titleSchema = text().trim().max(REVIEW_LIMITS.title, `Use at most ${REVIEW_LIMITS.title} characters`);
const bodySchema = text().trim().min(1, "Write a few words").max(REVIEW_LIMITS.body, `Use at most ${REVIEW_LIMITS.body} characters`);

export const reviewCreateProductInput = z.strictObject({
  productId: idSchema,
  rating: ratingSchema,
  title: titleSchema.optional(),
  body: bodySchema,
});
export type ReviewCreateProductInput = z.infer<typeof reviewCreateProductInput>;

export const reviewCreateShopInput = z.strictObject({ shopId: idSchema, rating: ratingSchema, body: bodySchema });
export type ReviewCreateShopInput = z.infer<typeof reviewCreateShopInput>;

/** An edit by the author; only what is sent changes. A shop review has no title. */
export const reviewUpdateInput = z.strictObject({
  id: idSchema,
  rating: ratingSchema.optional(),
  title: titleSchema.nullable().optional(),
  body: bodySchema.optional(),
});
export type ReviewUpdateInput = z.infer<typeof reviewUpdateInput>;

export const REVIEW_SORTS = ["newest", "helpful", "rating_desc", "rating_asc"] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

const listFields = {
  /** Only reviews with this many stars. */
  rating: ratingSchema.optional(),
  sort: z.enum(REVIEW_SORTS).default("newest"),
  cursor: text().max(200).optional(),
  limit: z.number().int().min(1).max(50).default(10),
};

export const reviewListProductInput = z.strictObject({ productId: idSchema, ...listFields });
export type ReviewListProductInput = z.infer<typeof reviewListProductInput>;

export const reviewListShopInput = z.strictObject({ shopId: idSchema, ...listFields });
export type ReviewListShopInput = z.infer<typeof reviewListShopInput>;

export const reviewReplyInput = z.strictObject({
  reviewId: idSchema,
  body: text().trim().min(1, "Write your reply").max(REVIEW_LIMITS.reply, `Use at most ${REVIEW_LIMITS.reply} characters`),
});
export type ReviewReplyInput = z.infer<typeof reviewReplyInput>;

export const reviewReportInput = z.strictObject({
  id: idSchema,
  reason: text().trim().min(3, "Say what is wrong with it").max(REVIEW_LIMITS.reason, `Use at most ${REVIEW_LIMITS.reason} characters`),
});
export type ReviewReportInput = z.infer<typeof reviewReportInput>;

/** The seller's reviews of their shop and its products; `unanswered` puts those without a reply first. */
export const sellerReviewsListInput = z.strictObject({
  unanswered: z.boolean().default(false),
  cursor: text().max(200).optional(),
  limit: z.number().int().min(1).max(50).default(20),
});
export type SellerReviewsListInput = z.infer<typeof sellerReviewsListInput>;

export const adminReviewsListInput = z.strictObject({
  status: z.enum(["VISIBLE", "HIDDEN"]).optional(),
  /** Only reviews somebody reported (reported ones come first in every case). */
  reported: z.boolean().optional(),
  cursor: text().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type AdminReviewsListInput = z.infer<typeof adminReviewsListInput>;

export const adminReviewHideInput = z.strictObject({
  id: idSchema,
  reason: text().trim().min(3, "Give the author a reason").max(REVIEW_LIMITS.reason, `Use at most ${REVIEW_LIMITS.reason} characters`),
});
export type AdminReviewHideInput = z.infer<typeof adminReviewHideInput>;
