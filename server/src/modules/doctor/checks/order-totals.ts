import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * Per order: its total is the sum of its lines and the sum of its seller orders' subtotals; each
 * line is its unit price × quantity; each seller order's subtotal is the sum of its own lines, its
 * fee is its rate of that subtotal (rounded as the checkout rounds), and its currency the order's.
 */
export const orderTotals: DoctorCheck = {
  name: "order-totals",
  description: "order total = its lines = its seller orders' subtotals; line = price × quantity; fee = rate × subtotal",
  run: (tx) =>
    tally(tx, Prisma.sql`
      WITH "line_sums" AS (
        SELECT "seller_order_id", sum("line_total_cents") AS "lines",
               bool_and("line_total_cents" = "unit_price_cents" * "quantity" AND "quantity" > 0) AS "lines_ok"
          FROM "order_items" GROUP BY "seller_order_id"
      ), "parts" AS (
        SELECT so."order_id", sum(so."subtotal_cents") AS "subtotals", sum(COALESCE(l."lines", 0)) AS "lines",
               bool_and(l."lines_ok" IS TRUE AND so."subtotal_cents" = l."lines"
                        AND so."commission_cents" = round(so."subtotal_cents"::numeric * so."commission_bps" / 10000)) AS "parts_ok",
               bool_and(so."currency" = o2."currency") AS "currency_ok"
          FROM "seller_orders" so
          JOIN "orders" o2 ON o2."id" = so."order_id"
          LEFT JOIN "line_sums" l ON l."seller_order_id" = so."id"
         GROUP BY so."order_id"
      )
      SELECT o."id",
             p."parts_ok" AND p."currency_ok" AND o."total_cents" = p."subtotals" AND o."total_cents" = p."lines"
             AND NOT EXISTS (SELECT 1 FROM "order_items" oi WHERE oi."order_id" = o."id"
                              AND NOT EXISTS (SELECT 1 FROM "seller_orders" so WHERE so."id" = oi."seller_order_id" AND so."order_id" = o."id")) AS "ok"
        FROM "orders" o LEFT JOIN "parts" p ON p."order_id" = o."id"`),
};
