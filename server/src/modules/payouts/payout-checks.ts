import { Prisma } from "../../generated/prisma/client.ts";

/**
 * The money invariants of payouts, as consistency checks a maintenance command runs (`pnpm
 * doctor`) and the tests assert. Each returns how many rows it checked and the ids of those that
 * break it; none writes.
 */
export interface ConsistencyCheck {
  name: string;
  description: string;
  run(tx: Prisma.TransactionClient): Promise<{ checked: number; offending: string[] }>;
}

type Row = { id: string; ok: boolean };

async function check(tx: Prisma.TransactionClient, sql: Prisma.Sql): Promise<{ checked: number; offending: string[] }> {
  const rows = await tx.$queryRaw<Row[]>(sql);
  return { checked: rows.length, offending: rows.filter((r) => !r.ok).map((r) => r.id) };
}

/** Each seller order's ledger, by kind, beside what its state says it must be. */
const perSellerOrder = Prisma.sql`
  SELECT s."id", s."status"::text AS status, s."subtotal_cents" AS subtotal, s."commission_cents" AS commission,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'SALE'), 0) AS sale,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'COMMISSION'), 0) AS comm,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'REFUND'), 0) AS refund,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'COMMISSION_REFUND'), 0) AS comm_refund,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'PAYOUT'), 0) AS payout,
         COALESCE(SUM(l."amount_cents") FILTER (WHERE l."kind" = 'PAYOUT_REVERSAL'), 0) AS reversal,
         COUNT(l."id") AS lines
    FROM "seller_orders" s LEFT JOIN "ledger_entries" l ON l."seller_order_id" = s."id"
   GROUP BY s."id"`;

export const payoutChecks: ConsistencyCheck[] = [
  {
    name: "payouts.order-charge-split",
    description: "For each paid order, what the buyer was charged (less refunds) equals the seller orders' nets plus the platform's commissions in the ledger",
    run: (tx) =>
      check(
        tx,
        Prisma.sql`
        SELECT p."order_id" AS id,
               (p."amount_cents" - p."refunded_cents") = COALESCE((
                 SELECT SUM(l."amount_cents") FILTER (WHERE l."kind" IN ('SALE', 'REFUND'))
                   FROM "ledger_entries" l JOIN "seller_orders" s ON s."id" = l."seller_order_id"
                  WHERE s."order_id" = p."order_id"), 0) AS ok
          FROM "payments" p WHERE p."status" IN ('SUCCEEDED', 'REFUNDED')`,
      ),
  },
  {
    name: "payouts.seller-order-ledger",
    description:
      "Each seller order's ledger matches its state: a sale and its commission once paid, their refund once refunded, a payout line equal to its transfer once paid, a reversal line equal to the reversal once made",
    run: (tx) =>
      check(
        tx,
        Prisma.sql`
        SELECT o.id,
               (CASE WHEN o.status IN ('PENDING_PAYMENT', 'CANCELLED') THEN o.lines = 0
                     ELSE o.sale = o.subtotal AND o.comm = -o.commission
                          AND (CASE WHEN o.status = 'REFUNDED' THEN o.refund = -o.subtotal AND o.comm_refund = o.commission
                                    ELSE o.refund = 0 AND o.comm_refund = 0 END) END)
               AND o.payout = -COALESCE((SELECT t."amount_cents" FROM "payout_transfers" t WHERE t."seller_order_id" = o.id AND t."status" = 'PAID'), 0)
               AND o.reversal = COALESCE((SELECT t."reversal_cents" FROM "payout_transfers" t WHERE t."seller_order_id" = o.id AND t."reversal_status" = 'REVERSED'), 0) AS ok
          FROM (${perSellerOrder}) o`,
      ),
  },
  {
    name: "payouts.paid-out",
    description: "For each shop and currency, paid out in the ledger (−payouts − reversals) equals the transfers made less the reversals made",
    run: (tx) =>
      check(
        tx,
        Prisma.sql`
        WITH l AS (SELECT "shop_id", "currency", -SUM("amount_cents") AS paid FROM "ledger_entries" WHERE "kind" IN ('PAYOUT', 'PAYOUT_REVERSAL') GROUP BY 1, 2),
             t AS (SELECT "shop_id", "currency",
                          SUM(CASE WHEN "status" = 'PAID' THEN "amount_cents" ELSE 0 END) - SUM(CASE WHEN "reversal_status" = 'REVERSED' THEN "reversal_cents" ELSE 0 END) AS paid
                     FROM "payout_transfers" GROUP BY 1, 2)
        SELECT COALESCE(l."shop_id", t."shop_id") || ':' || COALESCE(l."currency", t."currency") AS id, COALESCE(l.paid, 0) = COALESCE(t.paid, 0) AS ok
          FROM l FULL JOIN t ON t."shop_id" = l."shop_id" AND t."currency" = l."currency"`,
      ),
  },
  {
    name: "payouts.shop-balance",
    description: "For each shop and currency, the ledger's balance equals what its seller orders earned (net of commission, nothing when refunded) less what was paid out",
    run: (tx) =>
      check(
        tx,
        Prisma.sql`
        SELECT s."shop_id" || ':' || s."currency" AS id,
               COALESCE(SUM((SELECT SUM(l."amount_cents") FROM "ledger_entries" l WHERE l."seller_order_id" = s."id")), 0)
                 = COALESCE(SUM(CASE WHEN s."status" IN ('PAID', 'PROCESSING', 'SHIPPED', 'DELIVERED') THEN s."subtotal_cents" - s."commission_cents" ELSE 0 END), 0)
                   - COALESCE(SUM((SELECT COALESCE(SUM(CASE WHEN t."status" = 'PAID' THEN t."amount_cents" ELSE 0 END), 0)
                                         - COALESCE(SUM(CASE WHEN t."reversal_status" = 'REVERSED' THEN t."reversal_cents" ELSE 0 END), 0)
                                    FROM "payout_transfers" t WHERE t."seller_order_id" = s."id")), 0) AS ok
          FROM "seller_orders" s
         WHERE s."status" NOT IN ('PENDING_PAYMENT', 'CANCELLED') OR EXISTS (SELECT 1 FROM "ledger_entries" l WHERE l."seller_order_id" = s."id")
         GROUP BY s."shop_id", s."currency"`,
      ),
  },
  {
    name: "payouts.transfer-within-earnings",
    description: "No transfer pays more than its seller order's net, or pays for a seller order that was never delivered; at most one transfer per seller order",
    run: (tx) =>
      check(
        tx,
        Prisma.sql`
        SELECT t."id", t."amount_cents" <= s."subtotal_cents" - s."commission_cents" AND (t."amount_cents" = 0 OR s."delivered_at" IS NOT NULL) AS ok
          FROM "payout_transfers" t JOIN "seller_orders" s ON s."id" = t."seller_order_id"`,
      ),
  },
];
