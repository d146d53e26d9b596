import { Prisma } from "../../../generated/prisma/client.ts";
import { PRIOR_MEAN, PRIOR_WEIGHT } from "../../reviews/review-figures.ts";
import { tally, type DoctorCheck } from "../check.ts";

/** Products' and shops' stored rating figures against their visible reviews, one table at a time. */
function figures(table: "products" | "shops", key: "product_id" | "shop_id", which: Prisma.Sql, prefix: string) {
  return Prisma.sql`
    SELECT ${prefix} || t."id" AS "id",
           t."rating_count" = COALESCE(r."count", 0) AND t."rating_sum" = COALESCE(r."sum", 0)
           AND t."rating_1" = COALESCE(r."r1", 0) AND t."rating_2" = COALESCE(r."r2", 0) AND t."rating_3" = COALESCE(r."r3", 0)
           AND t."rating_4" = COALESCE(r."r4", 0) AND t."rating_5" = COALESCE(r."r5", 0)
           AND abs(t."rating_avg" - CASE WHEN COALESCE(r."count", 0) > 0 THEN r."sum"::float8 / r."count" ELSE 0 END) < 1e-9
           AND abs(t."rating_score" - (${PRIOR_MEAN * PRIOR_WEIGHT}::int + COALESCE(r."sum", 0))::float8 / (${PRIOR_WEIGHT}::int + COALESCE(r."count", 0))) < 1e-9 AS "ok"
      FROM ${Prisma.raw(`"${table}"`)} t
      LEFT JOIN (SELECT ${Prisma.raw(`"${key}"`)} AS "id", count(*) AS "count", sum("rating") AS "sum",
                        count(*) FILTER (WHERE "rating" = 1) AS "r1", count(*) FILTER (WHERE "rating" = 2) AS "r2",
                        count(*) FILTER (WHERE "rating" = 3) AS "r3", count(*) FILTER (WHERE "rating" = 4) AS "r4",
                        count(*) FILTER (WHERE "rating" = 5) AS "r5"
                   FROM "reviews" WHERE "status" = 'VISIBLE' AND ${which}
                  GROUP BY ${Prisma.raw(`"${key}"`)}) r ON r."id" = t."id"`;
}

/**
 * Per product and per shop: the rating figures the catalog sorts and shows (count, sum, count per
 * star, average, Bayesian score; modules/reviews/review-figures.ts) are those of its visible
 * reviews (a shop's: the reviews of the shop itself). Ids are `product:<id>` and `shop:<id>`.
 */
export const ratingFigures: DoctorCheck = {
  name: "rating-figures",
  description: "each product's and shop's rating count, sum, histogram, average and score = its visible reviews",
  run: (tx) =>
    tally(tx, Prisma.sql`
      ${figures("products", "product_id", Prisma.sql`"product_id" IS NOT NULL`, "product:")}
      UNION ALL
      ${figures("shops", "shop_id", Prisma.sql`"product_id" IS NULL`, "shop:")}`),
};
