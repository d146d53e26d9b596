import { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { notifyAdmins } from "../notifications/notify.ts";
import { ProviderRefusal } from "../payments/connect.ts";
import { payableSellerOrders, shopMoney } from "./balances.ts";
import type { PayoutDeps } from "./payout-deps.ts";

/** How long a worker holds a transfer (or reversal) while it asks the provider: longer than a provider call may last. */
export const LEASE_MS = 2 * 60_000;

/** The key Stripe deduplicates a transfer by; an admin's retry after a refusal is a new try with its own key. */
export function transferKey(sellerOrderId: string, attempt: number): string {
  return attempt === 1 ? `transfer-${sellerOrderId}` : `transfer-${sellerOrderId}-${attempt}`;
}

export function reversalKey(sellerOrderId: string): string {
  return `reversal-${sellerOrderId}`;
}

/**
 * Step 1 of a payout, in one transaction under the shop's account row lock (so two workers plan
 * a shop one after the other): each payable seller order gets a PENDING transfer row whose amount
 * is fixed now — its net, less what the shop owes (a negative balance is netted out) — and never
 * changes after, so a retried provider call sends the very same request. A seller order netted
 * to 0 is settled at once (PAID, no provider call). The orders are locked too, so a refund or a
 * dispute lands wholly before (it is not payable) or after (it is reversed) the plan.
 */
export async function planShopTransfers(ctx: PayoutDeps, shopId: string, cutoff: Date): Promise<string[]> {
  return inTransaction(ctx, async (tx) => {
    const account = await tx.$queryRaw<{ account_ref: string; payouts_enabled: boolean }[]>(Prisma.sql`
      SELECT "account_ref", "payouts_enabled" FROM "payout_accounts" WHERE "shop_id" = ${shopId} FOR UPDATE`);
    if (!account[0]?.payouts_enabled) return [];
    const candidates = await payableSellerOrders(tx, shopId, cutoff);
    if (candidates.length === 0) return [];
    const orderIds = [...new Set(candidates.map((c) => c.orderId))].sort();
    await tx.$queryRaw(Prisma.sql`SELECT "id" FROM "orders" WHERE "id" IN (${Prisma.join(orderIds)}) ORDER BY "id" FOR UPDATE`);
    // Read again under the orders' locks: what a refund or dispute committed meanwhile counts.
    const payable = await payableSellerOrders(tx, shopId, cutoff);
    const available = new Map((await shopMoney(tx, shopId, cutoff)).map((m) => [m.currency, m.availableCents]));
    const payments = await tx.payment.findMany({
      where: { orderId: { in: orderIds }, status: { in: ["SUCCEEDED", "REFUNDED"] } },
      select: { orderId: true, providerRef: true },
    });
    const created: string[] = [];
    for (const so of payable) {
      const left = available.get(so.currency) ?? 0;
      const amount = Math.max(0, Math.min(so.netCents, left));
      available.set(so.currency, left - amount);
      const row = await tx.payoutTransfer.create({
        data: {
          sellerOrderId: so.id,
          shopId,
          accountRef: account[0].account_ref,
          amountCents: amount,
          currency: so.currency,
          transferGroup: `order-${so.orderId}`,
          sourceRef: payments.find((p) => p.orderId === so.orderId)?.providerRef ?? null,
          // Netted to nothing: settled now, with no provider call and no ledger line.
          ...(amount === 0 ? { status: "PAID" as const, paidAt: new Date() } : {}),
        },
        select: { id: true, status: true },
      });
      if (row.status === "PENDING") created.push(row.id);
    }
    return created;
  });
}

export type TransferOutcome = "PAID" | "FAILED" | "RETRY_LATER" | "SKIPPED";

export interface ExecuteOptions {
  now: Date;
  /** Tests: runs after the provider answered and before the commit (a throw plays a crash there). */
  afterProviderAnswer?: () => void | Promise<void>;
}

/**
 * Step 2: the provider is asked for the transfer (idempotency key `transfer-<sellerOrderId>`),
 * under a lease so that another worker leaves the row alone meanwhile; then step 3 marks it PAID
 * and writes its PAYOUT ledger line in one transaction, compare-and-set on PENDING, so only one
 * writer ever books it. A crash between the provider's answer and the commit leaves the row
 * PENDING: the next round (once the lease ends) asks again with the same key and gets the same
 * transfer back, or a `transfer.created` webhook reconciles it first. A refusal marks it FAILED
 * (no money moved) for an admin to retry; any other error leaves it to the next round.
 */
export async function executeTransfer(ctx: PayoutDeps, id: string, opts: ExecuteOptions): Promise<TransferOutcome> {
  const leased = await ctx.db.payoutTransfer.updateMany({
    where: { id, status: "PENDING", OR: [{ leaseUntil: null }, { leaseUntil: { lt: opts.now } }] },
    data: { leaseUntil: new Date(opts.now.getTime() + LEASE_MS) },
  });
  if (leased.count === 0) return "SKIPPED";
  const row = await ctx.db.payoutTransfer.findUniqueOrThrow({ where: { id } });
  let transferRef: string;
  try {
    ({ transferRef } = await ctx.deps.payments.createTransfer({
      amountCents: row.amountCents,
      currency: row.currency,
      accountRef: row.accountRef,
      sourceRef: row.sourceRef,
      transferGroup: row.transferGroup,
      idempotencyKey: transferKey(row.sellerOrderId, row.attempt),
      metadata: { sellerOrderId: row.sellerOrderId, shopId: row.shopId },
    }));
  } catch (err) {
    if (!(err instanceof ProviderRefusal)) return "RETRY_LATER";
    await inTransaction(ctx, async (tx, events) => {
      const { count } = await tx.payoutTransfer.updateMany({
        where: { id, status: "PENDING", attempt: row.attempt },
        data: { status: "FAILED", failureReason: err.message.slice(0, 500), leaseUntil: null },
      });
      if (count) await tellTransferFailed(tx, events, row.shopId, row.sellerOrderId, err.message);
    });
    return "FAILED";
  }
  await opts.afterProviderAnswer?.();
  const booked = await inTransaction(ctx, (tx) => markTransferPaid(tx, { id, transferRef }));
  return booked ? "PAID" : "SKIPPED";
}

/**
 * PENDING → PAID with the provider's transfer id and the PAYOUT ledger line, in the caller's
 * transaction (the worker's step 3, or a `transfer.created` webhook reconciling a crash). Under
 * the order's lock: a seller order refunded (or lost to a dispute) while its transfer was being
 * made gets its reversal planned here. Returns false when another writer booked it first.
 */
export async function markTransferPaid(tx: Tx, input: { id: string; transferRef: string }): Promise<boolean> {
  const row = await tx.payoutTransfer.findUnique({ where: { id: input.id }, select: { sellerOrderId: true } });
  if (!row) return false;
  const so = await tx.sellerOrder.findUniqueOrThrow({ where: { id: row.sellerOrderId }, select: { orderId: true } });
  await tx.$queryRaw(Prisma.sql`SELECT "id" FROM "orders" WHERE "id" = ${so.orderId} FOR UPDATE`);
  const status = await tx.sellerOrder.findUniqueOrThrow({ where: { id: row.sellerOrderId }, select: { status: true } });
  const refunded = status.status === "REFUNDED";
  const { count } = await tx.payoutTransfer.updateMany({
    where: { id: input.id, status: "PENDING" },
    data: { status: "PAID", providerRef: input.transferRef, paidAt: new Date(), leaseUntil: null, failureReason: null },
  });
  if (count === 0) return false;
  const paid = await tx.payoutTransfer.findUniqueOrThrow({ where: { id: input.id } });
  await tx.ledgerEntry.create({
    data: { shopId: paid.shopId, sellerOrderId: paid.sellerOrderId, kind: "PAYOUT", amountCents: -paid.amountCents, currency: paid.currency },
  });
  if (refunded && paid.amountCents > 0) {
    await tx.payoutTransfer.update({ where: { id: paid.id }, data: { reversalStatus: "PENDING", reversalCents: paid.amountCents } });
  }
  return true;
}

async function tellTransferFailed(tx: Tx, events: EventBuffer, shopId: string, sellerOrderId: string, reason: string): Promise<void> {
  const summary = `A payout for seller order ${sellerOrderId} was refused: ${reason}`.slice(0, 300);
  await recordActivity(tx, events, { kind: "payout.transfer_failed", summary, subject: { type: "shop", id: shopId } });
  await notifyAdmins(tx, events, { kind: "payout.failed", text: summary, link: "/admin/payouts" });
}

/**
 * Step 2 and 3 of a reversal (planned PENDING by a refund or a lost dispute, or by
 * markTransferPaid): the provider takes the seller's share back (key `reversal-<sellerOrderId>`),
 * then REVERSED and the PAYOUT_REVERSAL ledger line are written in one transaction. A refusal
 * (the connected account's balance is short) marks it FAILED: the refund then leaves the shop's
 * balance negative, and later payouts net it out.
 */
export async function executeReversal(ctx: PayoutDeps, id: string, opts: ExecuteOptions): Promise<TransferOutcome> {
  const leased = await ctx.db.payoutTransfer.updateMany({
    where: { id, reversalStatus: "PENDING", OR: [{ leaseUntil: null }, { leaseUntil: { lt: opts.now } }] },
    data: { leaseUntil: new Date(opts.now.getTime() + LEASE_MS) },
  });
  if (leased.count === 0) return "SKIPPED";
  const row = await ctx.db.payoutTransfer.findUniqueOrThrow({ where: { id } });
  if (!row.providerRef) return "SKIPPED";
  let reversalRef: string;
  try {
    ({ reversalRef } = await ctx.deps.payments.reverseTransfer({
      transferRef: row.providerRef,
      amountCents: row.reversalCents,
      idempotencyKey: reversalKey(row.sellerOrderId),
      metadata: { sellerOrderId: row.sellerOrderId },
    }));
  } catch (err) {
    if (!(err instanceof ProviderRefusal)) return "RETRY_LATER";
    await ctx.db.payoutTransfer.updateMany({
      where: { id, reversalStatus: "PENDING" },
      data: { reversalStatus: "FAILED", reversalFailure: err.message.slice(0, 500), leaseUntil: null },
    });
    return "FAILED";
  }
  await opts.afterProviderAnswer?.();
  const booked = await inTransaction(ctx, (tx) => markReversed(tx, { id, reversalRef }));
  return booked ? "PAID" : "SKIPPED";
}

/** PENDING → REVERSED with the PAYOUT_REVERSAL ledger line, once (compare-and-set). */
export async function markReversed(tx: Tx, input: { id: string; reversalRef: string }): Promise<boolean> {
  const { count } = await tx.payoutTransfer.updateMany({
    where: { id: input.id, reversalStatus: "PENDING" },
    data: { reversalStatus: "REVERSED", reversalRef: input.reversalRef, reversalFailure: null, leaseUntil: null },
  });
  if (count === 0) return false;
  const row = await tx.payoutTransfer.findUniqueOrThrow({ where: { id: input.id } });
  await tx.ledgerEntry.create({
    data: { shopId: row.shopId, sellerOrderId: row.sellerOrderId, kind: "PAYOUT_REVERSAL", amountCents: row.reversalCents, currency: row.currency },
  });
  return true;
}
