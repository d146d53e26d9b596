import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * Per seller order: the stock history shows it took each of its lines' units exactly once
 * (ORDER), and gave them back exactly once if it was cancelled (CANCEL or EXPIRY) or refunded
 * (REFUND), never while it is live; no movement names it for a variant it does not hold.
 */
export const orderStock: DoctorCheck = {
  name: "order-stock",
  description: "each seller order took its units once, and gave them back once if (and only if) it was cancelled or refunded",
  run: (tx) =>
    tally(tx, Prisma.sql`
      WITH "lines" AS (
        SELECT "seller_order_id", "variant_id", sum("quantity") AS "quantity" FROM "order_items" GROUP BY 1, 2
      ), "moved" AS (
        SELECT "seller_order_id", "variant_id",
               -COALESCE(sum("delta") FILTER (WHERE "reason" = 'ORDER'), 0) AS "taken",
               COALESCE(sum("delta") FILTER (WHERE "reason" IN ('CANCEL', 'EXPIRY')), 0) AS "cancelled",
               COALESCE(sum("delta") FILTER (WHERE "reason" = 'REFUND'), 0) AS "refunded",
               count(*) FILTER (WHERE "reason" NOT IN ('ORDER', 'CANCEL', 'EXPIRY', 'REFUND')) AS "other"
          FROM "stock_movements" WHERE "seller_order_id" IS NOT NULL GROUP BY 1, 2
      ), "pairs" AS (
        SELECT COALESCE(l."seller_order_id", m."seller_order_id") AS "seller_order_id", COALESCE(l."quantity", 0) AS "quantity",
               COALESCE(m."taken", 0) AS "taken", COALESCE(m."cancelled", 0) AS "cancelled",
               COALESCE(m."refunded", 0) AS "refunded", COALESCE(m."other", 0) AS "other"
          FROM "lines" l FULL JOIN "moved" m ON m."seller_order_id" = l."seller_order_id" AND m."variant_id" = l."variant_id"
      )
      SELECT so."id",
             bool_and(p."quantity" > 0 AND p."taken" = p."quantity" AND p."other" = 0
                      AND p."cancelled" = CASE WHEN so."status" = 'CANCELLED' THEN p."quantity" ELSE 0 END
                      AND p."refunded" = CASE WHEN so."status" = 'REFUNDED' THEN p."quantity" ELSE 0 END) AS "ok"
        FROM "seller_orders" so LEFT JOIN "pairs" p ON p."seller_order_id" = so."id"
       GROUP BY so."id", so."status"`),
};
