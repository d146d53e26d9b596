import type { Db, Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";

/**
 * The rating sort ranks by a Bayesian average: every product (and shop) starts with
 * PRIOR_WEIGHT imaginary reviews of PRIOR_MEAN stars, so one 5-star review (score 3.33) does not
 * outrank 300 reviews averaging 4.8 (score 4.77). The migration 20261201010000_reviews writes the
 * same formula with these numbers (15 = 3 × 5).
 */
export const PRIOR_MEAN = 3;
export const PRIOR_WEIGHT = 5;

/** What a review adds to or takes from its product's (or, for a shop review, its shop's) figures. */
export interface RatingChange {
  add?: number;
  remove?: number;
}

export interface Figures {
  ratingAvg: number;
  ratingCount: number;
}

export interface Histogram {
  1: number;
  2: number;
  3: number;
  4: number;
  5: number;
}

/**
 * Moves a product's or shop's rating figures by one review's change, in one UPDATE inside the
 * caller's transaction: count, sum and the count per star are incremented in the database, and
 * the average and the score are computed from the new sum and count in the same statement, so
 * concurrent reviews of one product serialise on its row and none is lost, and nothing drifts
 * (no float is ever incremented). Returns the figures as they are now.
 */
export async function moveFigures(tx: Tx, target: { productId: string | null; shopId: string }, change: RatingChange): Promise<Figures> {
  const star = (n: number) => (change.add === n ? 1 : 0) - (change.remove === n ? 1 : 0);
  const dCount = (change.add ? 1 : 0) - (change.remove ? 1 : 0);
  const dSum = (change.add ?? 0) - (change.remove ?? 0);
  const table = target.productId ? Prisma.raw(`"products"`) : Prisma.raw(`"shops"`);
  const id = target.productId ?? target.shopId;
  const [row] = await tx.$queryRaw<Figures[]>(Prisma.sql`
    UPDATE ${table} SET
      "rating_count" = "rating_count" + ${dCount}::int,
      "rating_sum" = "rating_sum" + ${dSum}::int,
      "rating_1" = "rating_1" + ${star(1)}::int, "rating_2" = "rating_2" + ${star(2)}::int, "rating_3" = "rating_3" + ${star(3)}::int,
      "rating_4" = "rating_4" + ${star(4)}::int, "rating_5" = "rating_5" + ${star(5)}::int,
      "rating_avg" = CASE WHEN "rating_count" + ${dCount}::int > 0
                          THEN ("rating_sum" + ${dSum}::int)::float8 / ("rating_count" + ${dCount}::int) ELSE 0 END,
      "rating_score" = (${PRIOR_MEAN * PRIOR_WEIGHT}::int + "rating_sum" + ${dSum}::int)::float8 / (${PRIOR_WEIGHT}::int + "rating_count" + ${dCount}::int)
     WHERE "id" = ${id}
     RETURNING "rating_avg" AS "ratingAvg", "rating_count" AS "ratingCount"`);
  return row ?? { ratingAvg: 0, ratingCount: 0 };
}

/** A product's or shop's figures as stored (for events that change no rating, such as a reply). */
export async function readFigures(db: Db | Tx, target: { productId: string | null; shopId: string }): Promise<Figures & { histogram: Histogram }> {
  const select = { ratingAvg: true, ratingCount: true, rating1: true, rating2: true, rating3: true, rating4: true, rating5: true } as const;
  const row = target.productId
    ? await db.product.findUnique({ where: { id: target.productId }, select })
    : await db.shop.findUnique({ where: { id: target.shopId }, select });
  if (!row) return { ratingAvg: 0, ratingCount: 0, histogram: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } };
  return { ratingAvg: row.ratingAvg, ratingCount: row.ratingCount, histogram: { 1: row.rating1, 2: row.rating2, 3: row.rating3, 4: row.rating4, 5: row.rating5 } };
}

/**
 * Sets every product's and shop's figures from their visible reviews, in two statements: for the
 * demo seed (which writes reviews in bulk), and as the oracle of the tests.
 */
export async function recomputeFigures(db: Db | Tx): Promise<void> {
  const fromReviews = (key: "product_id" | "shop_id", which: Prisma.Sql) => Prisma.sql`
    SELECT ${Prisma.raw(`"${key}"`)} AS "id", count(*)::int AS "count", sum("rating")::int AS "sum",
           count(*) FILTER (WHERE "rating" = 1)::int AS "r1", count(*) FILTER (WHERE "rating" = 2)::int AS "r2",
           count(*) FILTER (WHERE "rating" = 3)::int AS "r3", count(*) FILTER (WHERE "rating" = 4)::int AS "r4",
           count(*) FILTER (WHERE "rating" = 5)::int AS "r5"
      FROM "reviews" WHERE "status" = 'VISIBLE' AND ${which} GROUP BY ${Prisma.raw(`"${key}"`)}`;
  for (const [table, key, which] of [
    ["products", "product_id", Prisma.sql`"product_id" IS NOT NULL`],
    ["shops", "shop_id", Prisma.sql`"product_id" IS NULL`],
  ] as const) {
    await db.$executeRaw(Prisma.sql`
      UPDATE ${Prisma.raw(`"${table}"`)} t SET
        "rating_count" = COALESCE(f."count", 0), "rating_sum" = COALESCE(f."sum", 0),
        "rating_avg" = CASE WHEN COALESCE(f."count", 0) > 0 THEN f."sum"::float8 / f."count" ELSE 0 END,
        "rating_1" = COALESCE(f."r1", 0), "rating_2" = COALESCE(f."r2", 0), "rating_3" = COALESCE(f."r3", 0),
        "rating_4" = COALESCE(f."r4", 0), "rating_5" = COALESCE(f."r5", 0),
        "rating_score" = (${PRIOR_MEAN * PRIOR_WEIGHT}::int + COALESCE(f."sum", 0))::float8 / (${PRIOR_WEIGHT}::int + COALESCE(f."count", 0))
        FROM ${Prisma.raw(`"${table}"`)} t2 LEFT JOIN (${fromReviews(key, which)}) f ON f."id" = t2."id"
       WHERE t."id" = t2."id"`);
  }
}
