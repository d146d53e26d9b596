import type { ReviewListProductInput, ReviewListShopInput, ReviewSort, SellerReviewsListInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { notFound } from "../../lib/errors.ts";
import type { AuthedContext, Context, ShopContext } from "../../trpc/context.ts";
import { isProductVisible } from "../catalog/catalog.service.ts";
import { keyset } from "./review-cursor.ts";
import { readFigures } from "./review-figures.ts";

/** What anyone may see of a review: the author's display name, never the email. */
const publicReviewSelect = {
  id: true,
  authorId: true,
  productId: true,
  rating: true,
  title: true,
  body: true,
  createdAt: true,
  sellerOrderId: true,
  helpfulCount: true,
  reply: true,
  repliedAt: true,
  author: { select: { name: true } },
} as const satisfies Prisma.ReviewSelect;

type PublicReviewRow = Prisma.ReviewGetPayload<{ select: typeof publicReviewSelect }>;

/** One review as lists show it; `mine` and `votedHelpful` are about the signed-in viewer. */
function toPublicReview(row: PublicReviewRow, viewerId: string | null, voted: Set<string>) {
  return {
    id: row.id,
    rating: row.rating,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    verified: row.sellerOrderId !== null,
    author: { name: row.author.name },
    helpfulCount: row.helpfulCount,
    reply: row.reply && row.repliedAt ? { body: row.reply, createdAt: row.repliedAt } : null,
    mine: viewerId !== null && row.authorId === viewerId,
    votedHelpful: voted.has(row.id),
  };
}
export type PublicReview = ReturnType<typeof toPublicReview>;

const SORTS: Record<ReviewSort, ReturnType<typeof keyset>> = {
  newest: keyset(null),
  helpful: keyset("helpfulCount", "desc"),
  rating_desc: keyset("rating", "desc"),
  rating_asc: keyset("rating", "asc"),
};

async function visibleList(ctx: Context, where: Prisma.ReviewWhereInput, input: { rating?: number; sort: ReviewSort; cursor?: string; limit: number }) {
  const sort = SORTS[input.sort];
  const rows = await ctx.db.review.findMany({
    where: { AND: [where, { status: "VISIBLE" }, input.rating ? { rating: input.rating } : {}, sort.after(input.cursor)] },
    orderBy: sort.orderBy as Prisma.ReviewOrderByWithRelationInput[],
    take: input.limit + 1,
    select: publicReviewSelect,
  });
  const page = sort.page(rows, input.limit);
  const viewerId = ctx.user?.id ?? null;
  const voted = viewerId && page.items.length
    ? new Set((await ctx.db.reviewVote.findMany({ where: { userId: viewerId, reviewId: { in: page.items.map((r) => r.id) } }, select: { reviewId: true } })).map((v) => v.reviewId))
    : new Set<string>();
  return { items: page.items.map((r) => toPublicReview(r, viewerId, voted)), nextCursor: page.nextCursor };
}

async function summary(ctx: Context, target: { productId: string | null; shopId: string }) {
  const f = await readFigures(ctx.db, target);
  return { ratingAvg: f.ratingAvg, ratingCount: f.ratingCount, histogram: f.histogram };
}

/** A listed product's visible reviews, with its rating summary; hidden reviews never appear. */
export async function listProductReviews(ctx: Context, input: ReviewListProductInput) {
  if (!(await isProductVisible(ctx.deps.database, input.productId))) throw notFound("Product");
  const [page, figures] = await Promise.all([
    visibleList(ctx, { productId: input.productId }, input),
    input.cursor ? null : summary(ctx, { productId: input.productId, shopId: "" }),
  ]);
  return { ...page, summary: figures };
}

/** An active shop's own reviews (of the seller, not of its products), with its rating summary. */
export async function listShopReviews(ctx: Context, input: ReviewListShopInput) {
  const shop = await ctx.db.shop.findUnique({ where: { id: input.shopId }, select: { status: true } });
  if (!shop || shop.status !== "ACTIVE") throw notFound("Shop");
  const [page, figures] = await Promise.all([
    visibleList(ctx, { shopId: input.shopId, productId: null }, input),
    input.cursor ? null : summary(ctx, { productId: null, shopId: input.shopId }),
  ]);
  return { ...page, summary: figures };
}

const ownReviewSelect = {
  id: true,
  rating: true,
  title: true,
  body: true,
  status: true,
  hiddenReason: true,
  createdAt: true,
  helpfulCount: true,
  reply: true,
  repliedAt: true,
  product: { select: { id: true, title: true } },
  shop: { select: { id: true, name: true, slug: true } },
} as const satisfies Prisma.ReviewSelect;

/** The caller's own reviews, newest first, hidden ones too (with the admin's reason). */
export async function myReviews(ctx: AuthedContext) {
  const rows = await ctx.db.review.findMany({ where: { authorId: ctx.user.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100, select: ownReviewSelect });
  return rows.map(({ reply, repliedAt, ...r }) => ({ ...r, reply: reply && repliedAt ? { body: reply, createdAt: repliedAt } : null }));
}

/**
 * What the caller can review and has not: per delivered seller order (newest first), its
 * products not reviewed yet, and whether the shop itself is still to review.
 */
export async function reviewsToWrite(ctx: AuthedContext) {
  const delivered = await ctx.db.sellerOrder.findMany({
    where: { status: "DELIVERED", order: { buyerId: ctx.user.id } },
    orderBy: [{ deliveredAt: "desc" }, { id: "desc" }],
    take: 50,
    select: {
      id: true,
      orderId: true,
      deliveredAt: true,
      shop: { select: { id: true, name: true, slug: true, ownerId: true } },
      items: { select: { productId: true, productTitle: true, product: { select: { images: { select: { url: true, alt: true }, orderBy: { position: "asc" }, take: 1 } } } } },
    },
  });
  const written = await ctx.db.review.findMany({ where: { authorId: ctx.user.id }, select: { productId: true, shopId: true } });
  const reviewedProducts = new Set(written.filter((w) => w.productId).map((w) => w.productId));
  const reviewedShops = new Set(written.filter((w) => !w.productId).map((w) => w.shopId));
  const seenProducts = new Set<string>();
  const seenShops = new Set<string>();
  const result = [];
  for (const so of delivered) {
    if (so.shop.ownerId === ctx.user.id) continue;
    const products = [];
    for (const item of so.items) {
      if (reviewedProducts.has(item.productId) || seenProducts.has(item.productId)) continue;
      seenProducts.add(item.productId);
      products.push({ productId: item.productId, title: item.productTitle, image: item.product.images[0] ?? null });
    }
    const shopToReview = !reviewedShops.has(so.shop.id) && !seenShops.has(so.shop.id);
    seenShops.add(so.shop.id);
    if (!products.length && !shopToReview) continue;
    const { ownerId: _owner, ...shop } = so.shop;
    result.push({ sellerOrderId: so.id, orderId: so.orderId, deliveredAt: so.deliveredAt, shop, shopToReview, products });
  }
  return result;
}

/** The seller's reviews (of the shop and its products), newest first; `unanswered`: only those without a reply. */
export async function sellerReviews(ctx: ShopContext, input: SellerReviewsListInput) {
  const sort = SORTS.newest;
  const rows = await ctx.db.review.findMany({
    where: { AND: [{ shopId: ctx.shop.id, status: "VISIBLE" }, input.unanswered ? { reply: null } : {}, sort.after(input.cursor)] },
    orderBy: sort.orderBy as Prisma.ReviewOrderByWithRelationInput[],
    take: input.limit + 1,
    select: { ...publicReviewSelect, product: { select: { id: true, title: true } } },
  });
  const page = sort.page(rows, input.limit);
  return { items: page.items.map((r) => ({ ...toPublicReview(r, ctx.user.id, new Set()), product: r.product })), nextCursor: page.nextCursor };
}
