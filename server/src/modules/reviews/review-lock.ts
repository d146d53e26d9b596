import type { ReviewStatus } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";

export interface LockedReview {
  id: string;
  authorId: string;
  shopId: string;
  productId: string | null;
  status: ReviewStatus;
  rating: number;
}

/**
 * Locks a review's row and reads what a change needs, in one statement: edits, deletes, replies
 * and moderation of one review take turns, so the figures they move always start from the status
 * and rating the row has.
 */
export async function lockReview(tx: Tx, id: string): Promise<LockedReview | null> {
  const rows = await tx.$queryRaw<LockedReview[]>(Prisma.sql`
    SELECT "id", "author_id" AS "authorId", "shop_id" AS "shopId", "product_id" AS "productId",
           "status"::text AS "status", "rating"
      FROM "reviews" WHERE "id" = ${id} FOR UPDATE`);
  return rows[0] ?? null;
}
