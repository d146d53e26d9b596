import type { ReviewCreateProductInput, ReviewCreateShopInput, ReviewReplyInput, ReviewReportInput, ReviewUpdateInput } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { DomainError, conflict, forbidden, notFound } from "../../lib/errors.ts";
import { consumeOrThrow, type LimitRule } from "../../lib/rate-limiter.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, ShopScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { announceCreated, announceUpdated, type ReviewRef } from "./review-events.ts";
import { moveFigures, readFigures } from "./review-figures.ts";
import { lockReview } from "./review-lock.ts";
import { recordShopChange } from "../teams/audit.ts";
import { tellReviewCreated, tellReviewReply, tellReviewReported } from "../notifications/review-messages.ts";

/** Per user and hour (SECURITY 19): a flood of reviews or reports is TOO_MANY_REQUESTS. */
export const REVIEW_RATE_LIMITS = {
  reviews: { name: "reviews:user", points: 20, durationSeconds: 60 * 60 },
  reports: { name: "reports:user", points: 50, durationSeconds: 60 * 60 },
} as const satisfies Record<string, LimitRule>;

function takeAllowance(ctx: AuthedScope, what: keyof typeof REVIEW_RATE_LIMITS): Promise<void> {
  return consumeOrThrow(ctx.deps.limits.limiter(REVIEW_RATE_LIMITS[what]), ctx.user.id);
}

const refSelect = { id: true, authorId: true, shopId: true, productId: true, status: true, rating: true } as const;


/**
 * The delivered seller order that entitles the caller to review: one of theirs, DELIVERED, from
 * that shop and (for a product review) containing the product. Read in the writing transaction.
 */
async function entitlingSellerOrder(tx: Tx, buyerId: string, target: { productId?: string; shopId: string }): Promise<string | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT so."id" FROM "seller_orders" so JOIN "orders" o ON o."id" = so."order_id"
     WHERE o."buyer_id" = ${buyerId} AND so."shop_id" = ${target.shopId} AND so."status" = 'DELIVERED'
       ${target.productId ? Prisma.sql`AND EXISTS (SELECT 1 FROM "order_items" oi WHERE oi."seller_order_id" = so."id" AND oi."product_id" = ${target.productId})` : Prisma.empty}
     ORDER BY so."delivered_at" DESC NULLS LAST LIMIT 1`);
  return rows[0]?.id ?? null;
}

const NOT_ELIGIBLE = "Only buyers whose order of it was delivered can review it";

async function create(ctx: AuthedScope, target: { productId: string | null; shopId: string }, input: { rating: number; title?: string; body: string }, label: string) {
  if (ctx.user.status !== "ACTIVE") throw forbidden("This account is suspended");
  const shop = await ctx.db.shop.findUnique({ where: { id: target.shopId }, select: { name: true, members: { where: { userId: ctx.user.id }, select: { id: true } } } });
  if (!shop) throw notFound(target.productId ? "Product" : "Shop");
  // Anyone who works in the shop, not only its founder.
  if (shop.members.length) throw forbidden("You cannot review your own shop or its products");
  await takeAllowance(ctx, "reviews");
  try {
    return await inTransaction(ctx, async (tx, events) => {
      const sellerOrderId = await entitlingSellerOrder(tx, ctx.user.id, { shopId: target.shopId, ...(target.productId ? { productId: target.productId } : {}) });
      if (!sellerOrderId) throw forbidden(NOT_ELIGIBLE);
      const review = await tx.review.create({
        data: { authorId: ctx.user.id, shopId: target.shopId, productId: target.productId, sellerOrderId, rating: input.rating, title: input.title || null, body: input.body },
        select: { id: true, authorId: true, shopId: true, productId: true, createdAt: true },
      });
      const figures = await moveFigures(tx, target, { add: input.rating });
      announceCreated(events, review, input.rating, figures);
      await tellReviewCreated(tx, events, review.id);
      await recordActivity(tx, events, {
        kind: "review.created",
        summary: `${ctx.user.name} rated ${label} ${input.rating}/5`,
        actorId: ctx.user.id,
        actorName: ctx.user.name,
        subject: { type: "review", id: review.id },
        data: { rating: input.rating, ...target },
      });
      return { id: review.id, rating: input.rating, createdAt: review.createdAt, ...figures };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`You have already reviewed ${target.productId ? "this product" : "this shop"}: edit your review instead`);
    throw err;
  }
}

/** A review of a product from a delivered order of the caller that contains it. */
export async function createProductReview(ctx: AuthedScope, input: ReviewCreateProductInput) {
  const product = await ctx.db.product.findUnique({ where: { id: input.productId }, select: { shopId: true, title: true } });
  if (!product) throw notFound("Product");
  return create(ctx, { productId: input.productId, shopId: product.shopId }, input, product.title);
}

/** A review of a seller (the shop itself) from a delivered order of the caller from that shop. */
export async function createShopReview(ctx: AuthedScope, input: ReviewCreateShopInput) {
  const shop = await ctx.db.shop.findUnique({ where: { id: input.shopId }, select: { name: true } });
  if (!shop) throw notFound("Shop");
  return create(ctx, { productId: null, shopId: input.shopId }, input, `the shop ${shop.name}`);
}

/** The author edits their review; a changed rating moves the figures (if the review is visible). */
export async function updateReview(ctx: AuthedScope, input: ReviewUpdateInput) {
  return inTransaction(ctx, async (tx, events) => {
    const review = await lockReview(tx, input.id);
    if (!review || review.authorId !== ctx.user.id) throw notFound("Review");
    if (!review.productId && input.title) throw new DomainError("BAD_REQUEST", "A shop review has no title", { title: ["A shop review has no title"] });
    await tx.review.update({
      where: { id: review.id },
      data: { ...(input.rating ? { rating: input.rating } : {}), ...(input.title !== undefined ? { title: input.title || null } : {}), ...(input.body ? { body: input.body } : {}) },
    });
    const moved = input.rating && input.rating !== review.rating && review.status === "VISIBLE";
    const figures = moved ? await moveFigures(tx, review, { add: input.rating, remove: review.rating }) : await readFigures(tx, review);
    announceUpdated(events, review, { ratingAvg: figures.ratingAvg, ratingCount: figures.ratingCount });
    return { id: review.id, ratingAvg: figures.ratingAvg, ratingCount: figures.ratingCount };
  });
}

/** The author deletes their review (its votes and reports go with it). */
export async function deleteReview(ctx: AuthedScope, id: string) {
  await inTransaction(ctx, async (tx, events) => {
    const review = await lockReview(tx, id);
    if (!review || review.authorId !== ctx.user.id) throw notFound("Review");
    await tx.review.delete({ where: { id } });
    const figures = review.status === "VISIBLE" ? await moveFigures(tx, review, { remove: review.rating }) : await readFigures(tx, review);
    announceUpdated(events, review, { ratingAvg: figures.ratingAvg, ratingCount: figures.ratingCount });
  });
}

/** The shop's one public reply to a review of it or its products; calling again replaces it. */
export async function replyToReview(ctx: ShopScope, input: ReviewReplyInput) {
  return inTransaction(ctx, async (tx, events) => {
    const review = await lockReview(tx, input.reviewId);
    if (!review || review.shopId !== ctx.shop.id) throw notFound("Review");
    const repliedAt = new Date();
    await tx.review.update({ where: { id: review.id }, data: { reply: input.body, repliedAt } });
    const figures = await readFigures(tx, review);
    announceUpdated(events, review, { ratingAvg: figures.ratingAvg, ratingCount: figures.ratingCount }, { toAuthor: true });
    await tellReviewReply(tx, events, review.id);
    await recordShopChange(tx, events, ctx, { kind: "review.replied", summary: "replied to a review", subject: { type: "review", id: review.id } });
    return { id: review.id, reply: { body: input.body, createdAt: repliedAt } };
  });
}

/** "Helpful": once per user, never on one's own review, only on a visible one. */
export async function voteHelpful(ctx: AuthedScope, id: string) {
  try {
    return await inTransaction(ctx, async (tx) => {
      const review = await tx.review.findUnique({ where: { id }, select: refSelect });
      if (!review || review.status !== "VISIBLE") throw notFound("Review");
      if (review.authorId === ctx.user.id) throw forbidden("You cannot vote on your own review");
      await tx.reviewVote.create({ data: { reviewId: id, userId: ctx.user.id } });
      const { helpfulCount } = await tx.review.update({ where: { id }, data: { helpfulCount: { increment: 1 } }, select: { helpfulCount: true } });
      return { id, helpfulCount };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("You already found this review helpful");
    throw err;
  }
}

/** A report that a review breaks the rules; it reaches the admins (their list and activity feed). */
export async function reportReview(ctx: AuthedScope, input: ReviewReportInput) {
  const review = await ctx.db.review.findUnique({ where: { id: input.id }, select: refSelect });
  if (!review || review.status !== "VISIBLE") throw notFound("Review");
  if (review.authorId === ctx.user.id) throw forbidden("You cannot report your own review");
  await takeAllowance(ctx, "reports");
  try {
    await inTransaction(ctx, async (tx, events) => {
      await tx.reviewReport.create({ data: { reviewId: review.id, reporterId: ctx.user.id, reason: input.reason } });
      await tx.review.update({ where: { id: review.id }, data: { reportCount: { increment: 1 } } });
      await tellReviewReported(tx, events, review.id, input.reason);
      await recordActivity(tx, events, {
        kind: "review.reported",
        summary: `${ctx.user.name} reported a review: ${input.reason.slice(0, 120)}`,
        actorId: ctx.user.id,
        actorName: ctx.user.name,
        subject: { type: "review", id: review.id },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("You have already reported this review");
    throw err;
  }
  return { id: review.id, reported: true };
}

export type { ReviewRef };
