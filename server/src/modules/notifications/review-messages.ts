import { SHOP_PERMISSIONS } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { notify, notifyAdmins, quote } from "./notify.ts";

/** The roles that may reply to reviews hear of new ones. */
const REPLYING_ROLES = [...SHOP_PERMISSIONS["reviews.reply"].roles];

const reviewSelect = {
  rating: true,
  body: true,
  reply: true,
  author: { select: { id: true, name: true } },
  shop: { select: { name: true, slug: true, members: { where: { role: { in: REPLYING_ROLES } }, select: { userId: true } } } },
  product: { select: { id: true, title: true } },
} as const;

async function loadReview(tx: Tx, reviewId: string) {
  const review = await tx.review.findUniqueOrThrow({ where: { id: reviewId }, select: reviewSelect });
  const link = review.product ? `/products/${review.product.id}#reviews` : `/shops/${review.shop.slug}#reviews`;
  const subject = review.product ? review.product.title : review.shop.name;
  return { ...review, link, subject };
}

/** A buyer reviewed a shop or one of its products: the shop's owners and managers (who may reply) hear. */
export async function tellReviewCreated(tx: Tx, events: EventBuffer, reviewId: string): Promise<void> {
  const r = await loadReview(tx, reviewId);
  for (const { userId } of r.shop.members) {
    await notify(tx, events, userId, {
      kind: "review.new",
      text: `${r.author.name} rated ${r.subject} ${r.rating}/5: “${quote(r.body)}”`,
      link: "/seller/reviews",
    });
  }
}

/** The shop replied to a review: its author hears, by email and in the app. */
export async function tellReviewReply(tx: Tx, events: EventBuffer, reviewId: string): Promise<void> {
  const r = await loadReview(tx, reviewId);
  if (!r.reply) return;
  await enqueueMail(tx, {
    userId: r.author.id,
    template: "review_reply",
    data: { buyerName: r.author.name, shopName: r.shop.name, subjectTitle: r.subject, reply: r.reply, link: r.link },
  });
  await notify(tx, events, r.author.id, { kind: "review.reply", text: `${r.shop.name} replied to your review: “${quote(r.reply)}”`, link: r.link });
}

/** A review was reported: the admins hear. */
export async function tellReviewReported(tx: Tx, events: EventBuffer, reviewId: string, reason: string): Promise<void> {
  const r = await loadReview(tx, reviewId);
  await notifyAdmins(tx, events, { kind: "review.reported", text: `A review of ${r.subject} was reported: ${quote(reason)}`, link: "/admin/reviews" });
}
