import type { Db } from "../db/client.ts";
import { PRIOR_MEAN, PRIOR_WEIGHT } from "../modules/reviews/review-figures.ts";

/**
 * The oracle of rating figures: the products and shops whose stored figures (count, sum, count
 * per star, average, score) differ from a recomputation from their visible reviews. Empty when
 * every figure is exact.
 */
export async function figureMismatches(db: Db): Promise<{ id: string; kind: string }[]> {
  const check = (table: "products" | "shops", key: "product_id" | "shop_id", which: string) => `
    SELECT t.id, '${table}' AS kind FROM "${table}" t
      LEFT JOIN (SELECT ${key} AS id, count(*)::int AS n, sum(rating)::int AS s,
                        count(*) FILTER (WHERE rating = 1)::int AS r1, count(*) FILTER (WHERE rating = 2)::int AS r2,
                        count(*) FILTER (WHERE rating = 3)::int AS r3, count(*) FILTER (WHERE rating = 4)::int AS r4,
                        count(*) FILTER (WHERE rating = 5)::int AS r5
                   FROM reviews WHERE status = 'VISIBLE' AND ${which} GROUP BY ${key}) f ON f.id = t.id
     WHERE t.rating_count <> coalesce(f.n, 0) OR t.rating_sum <> coalesce(f.s, 0)
        OR t.rating_1 <> coalesce(f.r1, 0) OR t.rating_2 <> coalesce(f.r2, 0) OR t.rating_3 <> coalesce(f.r3, 0)
        OR t.rating_4 <> coalesce(f.r4, 0) OR t.rating_5 <> coalesce(f.r5, 0)
        OR abs(t.rating_avg - coalesce(f.s::float8 / nullif(f.n, 0), 0)) > 1e-9
        OR abs(t.rating_score - (${PRIOR_MEAN * PRIOR_WEIGHT} + coalesce(f.s, 0))::float8 / (${PRIOR_WEIGHT} + coalesce(f.n, 0))) > 1e-9`;
  return db.$queryRawUnsafe(`${check("products", "product_id", "product_id IS NOT NULL")} UNION ALL ${check("shops", "shop_id", "product_id IS NULL")}`);
}
