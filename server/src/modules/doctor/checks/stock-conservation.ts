import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * Per variant: its stock history adds up to its stock, and what was supplied (the seed's and the
 * seller's rows) is its stock plus the units its live seller orders hold (every status but
 * CANCELLED and REFUNDED: a delivered order's units left for good). A unit lost, made up or given
 * back twice breaks one of the two.
 */
export const stockConservation: DoctorCheck = {
  name: "stock-conservation",
  description: "each variant's stock = the sum of its stock history, and stock + units held by live orders = the units supplied (seed, seller edits)",
  run: (tx) =>
    tally(tx, Prisma.sql`
      SELECT v."id",
             v."stock" = COALESCE(m."total", 0) AND v."stock" + COALESCE(h."held", 0) = COALESCE(m."supply", 0) AS "ok"
        FROM "variants" v
        LEFT JOIN (SELECT "variant_id", sum("delta") AS "total",
                          sum("delta") FILTER (WHERE "reason" IN ('SEED', 'SELLER_EDIT')) AS "supply"
                     FROM "stock_movements" GROUP BY "variant_id") m ON m."variant_id" = v."id"
        LEFT JOIN (SELECT oi."variant_id", sum(oi."quantity") AS "held"
                     FROM "order_items" oi JOIN "seller_orders" so ON so."id" = oi."seller_order_id"
                    WHERE so."status" NOT IN ('CANCELLED', 'REFUNDED')
                    GROUP BY oi."variant_id") h ON h."variant_id" = v."id"`),
};
