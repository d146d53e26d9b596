import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * Per seller order, in its shop's ledger: a paid one (PAID through DELIVERED, or REFUNDED) has
 * exactly one SALE of its subtotal and one COMMISSION of minus its fee; a refunded one also
 * exactly one REFUND of minus its subtotal and one COMMISSION_REFUND of its fee; an unpaid or
 * cancelled-before-payment one has none of these. Entries of other kinds (payouts) are not this
 * check's.
 */
export const ledgerEntries: DoctorCheck = {
  name: "ledger-entries",
  description: "each paid seller order has exactly one sale and one commission, each refunded one one refund pair; unpaid ones none",
  run: (tx) =>
    tally(tx, Prisma.sql`
      WITH "entries" AS (
        SELECT "seller_order_id",
               count(*) FILTER (WHERE "kind" = 'SALE') AS "sales", sum("amount_cents") FILTER (WHERE "kind" = 'SALE') AS "sale",
               count(*) FILTER (WHERE "kind" = 'COMMISSION') AS "commissions", sum("amount_cents") FILTER (WHERE "kind" = 'COMMISSION') AS "commission",
               count(*) FILTER (WHERE "kind" = 'REFUND') AS "refunds", sum("amount_cents") FILTER (WHERE "kind" = 'REFUND') AS "refund",
               count(*) FILTER (WHERE "kind" = 'COMMISSION_REFUND') AS "commission_refunds",
               sum("amount_cents") FILTER (WHERE "kind" = 'COMMISSION_REFUND') AS "commission_refund",
               array_agg(DISTINCT "shop_id") AS "shops", array_agg(DISTINCT "currency") AS "currencies"
          FROM "ledger_entries" WHERE "kind" IN ('SALE', 'COMMISSION', 'REFUND', 'COMMISSION_REFUND')
         GROUP BY "seller_order_id"
      )
      SELECT so."id",
             CASE
               WHEN so."status" IN ('PENDING_PAYMENT', 'CANCELLED') THEN e."seller_order_id" IS NULL
               ELSE e."sales" = 1 AND e."sale" = so."subtotal_cents" AND e."commissions" = 1 AND e."commission" = -so."commission_cents"
                    AND e."shops" = ARRAY[so."shop_id"] AND e."currencies" = ARRAY[so."currency"]
                    AND CASE WHEN so."status" = 'REFUNDED'
                             THEN e."refunds" = 1 AND e."refund" = -so."subtotal_cents"
                                  AND e."commission_refunds" = 1 AND e."commission_refund" = so."commission_cents"
                             ELSE e."refunds" = 0 AND e."commission_refunds" = 0 END
             END AS "ok"
        FROM "seller_orders" so LEFT JOIN "entries" e ON e."seller_order_id" = so."id"`),
};
