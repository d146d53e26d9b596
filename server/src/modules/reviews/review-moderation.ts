import type { AdminReviewHideInput, AdminReviewsListInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { keyset } from "./review-cursor.ts";
import { announceUpdated } from "./review-events.ts";
import { moveFigures } from "./review-figures.ts";
import { lockReview } from "./review-lock.ts";

const reportedFirst = keyset("reportCount", "desc");

/** Every review for moderation, reported ones first (with their reports), filterable. */
export async function adminListReviews(ctx: AuthedScope, input: AdminReviewsListInput) {
  const rows = await ctx.db.review.findMany({
    where: {
      AND: [input.status ? { status: input.status } : {}, input.reported ? { reportCount: { gt: 0 } } : {}, reportedFirst.after(input.cursor)],
    },
    orderBy: reportedFirst.orderBy as Prisma.ReviewOrderByWithRelationInput[],
    take: input.limit + 1,
    select: {
      id: true,
      rating: true,
      title: true,
      body: true,
      status: true,
      hiddenReason: true,
      hiddenAt: true,
      reportCount: true,
      helpfulCount: true,
      createdAt: true,
      author: { select: { id: true, name: true, email: true } },
      product: { select: { id: true, title: true } },
      shop: { select: { id: true, name: true, slug: true } },
      reports: { orderBy: { createdAt: "desc" }, take: 5, select: { id: true, reason: true, createdAt: true, reporter: { select: { name: true } } } },
    },
  });
  return reportedFirst.page(rows, input.limit);
}

async function setVisibility(ctx: AuthedScope, id: string, hide: { reason: string } | null) {
  return inTransaction(ctx, async (tx, events) => {
    const review = await lockReview(tx, id);
    if (!review) throw notFound("Review");
    if (hide ? review.status === "HIDDEN" : review.status === "VISIBLE") throw conflict(hide ? "This review is hidden already" : "This review is visible already");
    await tx.review.update({
      where: { id },
      // A restore settles the reports: the review leaves the reported queue.
      data: hide ? { status: "HIDDEN", hiddenReason: hide.reason, hiddenAt: new Date() } : { status: "VISIBLE", hiddenReason: null, hiddenAt: null, reportCount: 0 },
    });
    const figures = await moveFigures(tx, review, hide ? { remove: review.rating } : { add: review.rating });
    announceUpdated(events, review, figures, { toAuthor: true });
    const named = await tx.review.findUniqueOrThrow({ where: { id }, select: { product: { select: { title: true } }, shop: { select: { name: true } } } });
    const what = named.product ? named.product.title : `the shop ${named.shop.name}`;
    await recordActivity(tx, events, {
      kind: hide ? "review.hidden" : "review.restored",
      summary: hide ? `${ctx.user.name} hid a review of ${what}: ${hide.reason}` : `${ctx.user.name} restored a review of ${what}`,
      actorId: ctx.user.id,
      actorName: ctx.user.name,
      subject: { type: "review", id },
      data: hide ? { reason: hide.reason } : {},
    });
    return { id, status: hide ? ("HIDDEN" as const) : ("VISIBLE" as const), ...figures };
  });
}

/** Hides a review from every list and figure at once; the reason is recorded and shown to its author. */
export const hideReview = (ctx: AuthedScope, input: AdminReviewHideInput) => setVisibility(ctx, input.id, { reason: input.reason });

/** Brings a hidden review back into the lists and figures. */
export const restoreReview = (ctx: AuthedScope, id: string) => setVisibility(ctx, id, null);
