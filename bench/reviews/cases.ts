/** The list calls the benchmark drives: review.listProduct on the seeded product. */
import type pg from "pg";
import { encodeReviewCursor } from "../../server/src/modules/reviews/review-cursor.ts";

export interface BenchCase {
  key: string;
  title: string;
  /** review.listProduct's input, as a client sends it (defaults left out: limit 10, sort newest). */
  input: Record<string, unknown>;
}

/**
 * First page newest; page `deepPage` newest through the cursor a client would hold there (the
 * keyset of the last row of page deepPage − 1, read here in SQL in the list's order); 5 stars
 * only; most helpful first.
 */
export async function benchCases(pool: pg.Pool, productId: string, deepPage: number, limit = 10): Promise<BenchCase[]> {
  const { rows } = await pool.query<{ id: string; t: string }>(
    `SELECT "id", (extract(epoch FROM "created_at") * 1000)::bigint::text AS t FROM "reviews"
      WHERE "product_id" = $1 AND "status" = 'VISIBLE' ORDER BY "created_at" DESC, "id" DESC OFFSET $2 LIMIT 1`,
    [productId, (deepPage - 1) * limit - 1],
  );
  if (!rows[0]) throw new Error(`no row for page ${deepPage}`);
  const cursor = encodeReviewCursor({ t: Number(rows[0].t), id: rows[0].id });
  return [
    { key: "first", title: "first page, newest", input: { productId } },
    { key: "deep", title: `deep cursor: newest, page ${deepPage}`, input: { productId, cursor } },
    { key: "stars5", title: "5 stars only (`rating: 5`), first page", input: { productId, rating: 5 } },
    { key: "helpful", title: "most helpful first (`sort: helpful`), first page", input: { productId, sort: "helpful" } },
  ];
}
