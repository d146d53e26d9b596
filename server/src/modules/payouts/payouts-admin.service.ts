import { Prisma } from "../../generated/prisma/client.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import type { AuthedScope } from "../../scope.ts";
import { executeTransfer } from "./transfers.ts";

/**
 * The admins' payouts page: the platform's commission revenue (commission less commission
 * refunded), the money owed to shops whose account cannot receive payouts yet, transfers the
 * provider refused (each retriable), and open disputes.
 */
export async function payoutOverview(ctx: Pick<AuthedScope, "db">) {
  const revenue = await ctx.db.$queryRaw<{ currency: string; cents: bigint }[]>(Prisma.sql`
    SELECT "currency"::text AS currency, (-SUM("amount_cents"))::bigint AS cents FROM "ledger_entries"
     WHERE "kind" IN ('COMMISSION', 'COMMISSION_REFUND') GROUP BY 1 ORDER BY 1`);
  const owed = await ctx.db.$queryRaw<{ currency: string; cents: bigint; shops: bigint }[]>(Prisma.sql`
    SELECT currency, SUM(balance)::bigint AS cents, COUNT(*)::bigint AS shops FROM (
      SELECT l."shop_id", l."currency"::text AS currency, SUM(l."amount_cents") AS balance FROM "ledger_entries" l
       WHERE NOT EXISTS (SELECT 1 FROM "payout_accounts" a WHERE a."shop_id" = l."shop_id" AND a."payouts_enabled")
       GROUP BY 1, 2) b
     WHERE balance > 0 GROUP BY 1 ORDER BY 1`);
  const failed = await ctx.db.payoutTransfer.findMany({
    where: { OR: [{ status: "FAILED" }, { reversalStatus: "FAILED" }] },
    orderBy: { updatedAt: "desc" },
    take: 100,
    select: { id: true, shopId: true, sellerOrderId: true, amountCents: true, currency: true, status: true, failureReason: true, reversalStatus: true, reversalFailure: true, updatedAt: true },
  });
  const shops = await ctx.db.shop.findMany({ where: { id: { in: [...new Set(failed.map((f) => f.shopId))] } }, select: { id: true, name: true } });
  const openDisputes = await ctx.db.paymentDispute.findMany({
    where: { status: "OPEN" },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, providerRef: true, orderId: true, amountCents: true, currency: true, reason: true, createdAt: true },
  });
  return {
    commissionRevenue: revenue.map((r) => ({ currency: r.currency, cents: Number(r.cents) })),
    owedToNotOnboarded: owed.map((o) => ({ currency: o.currency, cents: Number(o.cents), shops: Number(o.shops) })),
    failedTransfers: failed.map((f) => ({ ...f, shopName: shops.find((s) => s.id === f.shopId)?.name ?? "" })),
    openDisputes,
  };
}

/**
 * Retries a transfer the provider refused: a new try (its own idempotency key, since Stripe
 * replays a refused request's answer under the old one) for the same amount, unless its seller
 * order was refunded meanwhile. Made at once; the worker would make it too.
 */
export async function retryTransfer(ctx: AuthedScope, id: string) {
  const row = await ctx.db.payoutTransfer.findUnique({ where: { id }, select: { status: true, sellerOrderId: true } });
  if (!row) throw notFound("Transfer");
  const so = await ctx.db.sellerOrder.findUniqueOrThrow({ where: { id: row.sellerOrderId }, select: { status: true } });
  if (so.status !== "DELIVERED") throw conflict("This seller order was refunded: there is nothing to pay out");
  const { count } = await ctx.db.payoutTransfer.updateMany({
    where: { id, status: "FAILED" },
    data: { status: "PENDING", attempt: { increment: 1 }, failureReason: null, leaseUntil: null },
  });
  if (count === 0) throw conflict("Only a failed transfer can be retried");
  const outcome = await executeTransfer(ctx, id, { now: new Date() });
  return { id, outcome };
}
