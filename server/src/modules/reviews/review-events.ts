import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { Figures } from "./review-figures.ts";

export interface ReviewRef {
  id: string;
  authorId: string;
  shopId: string;
  productId: string | null;
}

/** Who hears of a review: its product's watchers (for a product review), its shop's page visitors and its owner. */
function audience(review: ReviewRef): string[] {
  const shop = [rooms.shopPage(review.shopId), rooms.shop(review.shopId)];
  return review.productId ? [rooms.product(review.productId), ...shop] : shop;
}

const about = (review: ReviewRef) => ({ reviewId: review.id, shopId: review.shopId, ...(review.productId ? { productId: review.productId } : {}) });

export function announceCreated(events: EventBuffer, review: ReviewRef, rating: number, figures: Figures): void {
  events.add("review.created", audience(review), { ...about(review), rating, ...figures });
}

/** An edit, delete, hide, restore or reply; `toAuthor` when the author should hear it too (a reply, a hide). */
export function announceUpdated(events: EventBuffer, review: ReviewRef, figures: Figures, opts: { toAuthor?: boolean } = {}): void {
  events.add("review.updated", [...audience(review), ...(opts.toAuthor ? [rooms.user(review.authorId)] : [])], { ...about(review), ...figures });
}
