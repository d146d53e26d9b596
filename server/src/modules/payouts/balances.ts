import { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../../db/client.ts";

/**
 * A shop's money by currency, all from its ledger (the single source of truth):
 * - balance: Σ ledger (sales − commission − refunds + … − payouts + reversals); negative while a
 *   refund could not be taken back from a payout, until later payouts net it out;
 * - pending: what is not payable yet — positive nets of seller orders not delivered, in their
 *   hold, or frozen by an open dispute, and transfers being made or failed (reserved);
 * - available: balance − pending (paid out by the next round once the shop's account is enabled);
 * - paidOut: Σ transfers − Σ reversals (−Σ PAYOUT and PAYOUT_REVERSAL lines).
 */
export interface ShopMoney {
  currency: string;
  balanceCents: number;
  pendingCents: number;
  availableCents: number;
  paidOutCents: number;
}

/** The moment before which a delivery is out of its hold. */
export function holdCutoff(now: Date, holdDays: number): Date {
  return new Date(now.getTime() - holdDays * 86_400_000);
}

/** Seller orders that may still become payable: their positive net counts as pending until then. */
const OPEN_STATUSES = Prisma.sql`('PAID', 'PROCESSING', 'SHIPPED', 'DELIVERED')`;

/** A seller order is frozen while its order has an open dispute. */
const frozen = (so: Prisma.Sql) => Prisma.sql`EXISTS (SELECT 1 FROM "payment_disputes" d WHERE d."order_id" = ${so}."order_id" AND d."status" = 'OPEN')`;

export async function shopMoney(db: Db | Tx, shopId: string, cutoff: Date): Promise<ShopMoney[]> {
  const rows = await db.$queryRaw<{ currency: string; balance: bigint; held: bigint; reserved: bigint; paid_out: bigint }[]>(Prisma.sql`
    WITH ledger AS (
      SELECT "currency"::text AS currency, SUM("amount_cents")::bigint AS balance,
             (-SUM(CASE WHEN "kind" IN ('PAYOUT', 'PAYOUT_REVERSAL') THEN "amount_cents" ELSE 0 END))::bigint AS paid_out
        FROM "ledger_entries" WHERE "shop_id" = ${shopId} GROUP BY 1
    ), nets AS (
      SELECT s."currency"::text AS currency, s."status", s."delivered_at", ${frozen(Prisma.sql`s`)} AS frozen,
             (SELECT COALESCE(SUM(l."amount_cents"), 0) FROM "ledger_entries" l WHERE l."seller_order_id" = s."id")::bigint AS net
        FROM "seller_orders" s
       WHERE s."shop_id" = ${shopId} AND s."status"::text IN ${OPEN_STATUSES}
         AND NOT EXISTS (SELECT 1 FROM "payout_transfers" t WHERE t."seller_order_id" = s."id")
    ), held AS (
      SELECT currency, SUM(net)::bigint AS held FROM nets
       WHERE net > 0 AND NOT ("status" = 'DELIVERED' AND "delivered_at" <= ${cutoff} AND NOT frozen) GROUP BY 1
    ), reserved AS (
      SELECT "currency"::text AS currency, SUM("amount_cents")::bigint AS reserved FROM "payout_transfers"
       WHERE "shop_id" = ${shopId} AND "status" IN ('PENDING', 'FAILED') GROUP BY 1
    )
    SELECT c.currency, COALESCE(l.balance, 0)::bigint AS balance, COALESCE(h.held, 0)::bigint AS held,
           COALESCE(r.reserved, 0)::bigint AS reserved, COALESCE(l.paid_out, 0)::bigint AS paid_out
      FROM (SELECT currency FROM ledger UNION SELECT currency FROM reserved) c
      LEFT JOIN ledger l USING (currency) LEFT JOIN held h USING (currency) LEFT JOIN reserved r USING (currency)
     ORDER BY c.currency`);
  return rows.map((r) => {
    const pending = Number(r.held) + Number(r.reserved);
    return { currency: r.currency, balanceCents: Number(r.balance), pendingCents: pending, availableCents: Number(r.balance) - pending, paidOutCents: Number(r.paid_out) };
  });
}

export interface PayableSellerOrder {
  id: string;
  orderId: string;
  currency: string;
  netCents: number;
}

/** The shop's seller orders out of their hold, not frozen and not yet transferred, oldest delivery first. */
export async function payableSellerOrders(db: Db | Tx, shopId: string, cutoff: Date): Promise<PayableSellerOrder[]> {
  const rows = await db.$queryRaw<{ id: string; order_id: string; currency: string; net: bigint }[]>(Prisma.sql`
    SELECT s."id", s."order_id", s."currency"::text AS currency,
           (SELECT COALESCE(SUM(l."amount_cents"), 0) FROM "ledger_entries" l WHERE l."seller_order_id" = s."id")::bigint AS net
      FROM "seller_orders" s
     WHERE s."shop_id" = ${shopId} AND s."status" = 'DELIVERED' AND s."delivered_at" <= ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM "payout_transfers" t WHERE t."seller_order_id" = s."id")
       AND NOT ${frozen(Prisma.sql`s`)}
     ORDER BY s."delivered_at", s."id"`);
  return rows.map((r) => ({ id: r.id, orderId: r.order_id, currency: r.currency, netCents: Number(r.net) }));
}

/** Shops with an account that pays out and at least one seller order due. */
export async function shopsWithPayables(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ shop_id: string }[]>(Prisma.sql`
    SELECT a."shop_id" FROM "payout_accounts" a
     WHERE a."payouts_enabled"
       AND EXISTS (SELECT 1 FROM "seller_orders" s
                    WHERE s."shop_id" = a."shop_id" AND s."status" = 'DELIVERED' AND s."delivered_at" <= ${cutoff}
                      AND NOT EXISTS (SELECT 1 FROM "payout_transfers" t WHERE t."seller_order_id" = s."id")
                      AND NOT ${frozen(Prisma.sql`s`)})
     ORDER BY a."shop_id"`);
  return rows.map((r) => r.shop_id);
}
