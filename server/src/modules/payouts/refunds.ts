import type { OrderStatus } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { AuthedScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { refundOnPayment, settleWithProvider, type PendingRefund } from "../orders/cancellation.ts";
import { lockOrder } from "../orders/order-lock.ts";
import { deriveOrderStatus } from "../orders/order-status.ts";
import type { PayoutDeps } from "./payout-deps.ts";
import { executeReversal } from "./transfers.ts";

/** Paid seller orders whose money may still go back after shipping: a return, or a lost dispute. */
const REFUNDABLE: OrderStatus[] = ["PAID", "PROCESSING", "SHIPPED", "DELIVERED"];

export interface RefundOutcome {
  refunds: PendingRefund[];
  /** Transfers whose reversal was planned: made after the commit (and by the worker otherwise). */
  reversals: string[];
}

/**
 * Refunds paid seller orders of one order after they may have shipped (no stock goes back: the
 * goods left), in the caller's transaction under the order's lock: each becomes REFUNDED by
 * compare-and-set, its REFUND and COMMISSION_REFUND ledger lines are written, the payment counts
 * the refund, and a transfer already made to the shop gets its reversal planned (PENDING, the
 * seller's share: what was transferred). A transfer still being made is reversed when it is
 * booked (markTransferPaid). `viaProvider: false` for a lost dispute: the bank took the money
 * back already, so no refund is asked of the provider.
 */
export async function refundPaidSellerOrders(
  tx: Tx,
  events: EventBuffer,
  input: { orderId: string; sellerOrderIds: string[] | "all"; reason: string; actorId: string | null; viaProvider: boolean },
): Promise<RefundOutcome> {
  const order = await lockOrder(tx, input.orderId);
  if (!order) throw notFound("Order");
  const parts = await tx.sellerOrder.findMany({
    where: { orderId: order.id },
    orderBy: { id: "asc" },
    select: { id: true, shopId: true, status: true, subtotalCents: true, commissionCents: true, currency: true },
  });
  const targets = parts.filter((p) => (input.sellerOrderIds === "all" ? REFUNDABLE.includes(p.status) : input.sellerOrderIds.includes(p.id)));
  const outcome: RefundOutcome = { refunds: [], reversals: [] };
  for (const so of targets) {
    if (!REFUNDABLE.includes(so.status)) throw conflict("This order was not paid or was refunded already");
    const { count } = await tx.sellerOrder.updateMany({ where: { id: so.id, status: so.status }, data: { status: "REFUNDED", cancelledAt: new Date() } });
    if (count === 0) throw conflict("This order changed meanwhile: reload it");
    so.status = "REFUNDED";
    await tx.ledgerEntry.createMany({
      data: [
        { shopId: so.shopId, sellerOrderId: so.id, kind: "REFUND", amountCents: -so.subtotalCents, currency: so.currency },
        { shopId: so.shopId, sellerOrderId: so.id, kind: "COMMISSION_REFUND", amountCents: so.commissionCents, currency: so.currency },
      ],
    });
    const payment = await refundOnPayment(tx, order.id, so.subtotalCents);
    if (payment && input.viaProvider) outcome.refunds.push({ key: `refund-${so.id}`, providerRef: payment.providerRef, amountCents: so.subtotalCents });
    const transfer = await tx.payoutTransfer.findUnique({ where: { sellerOrderId: so.id }, select: { id: true, status: true, amountCents: true, reversalStatus: true } });
    if (transfer?.status === "PAID" && transfer.amountCents > 0 && transfer.reversalStatus === null) {
      await tx.payoutTransfer.update({ where: { id: transfer.id }, data: { reversalStatus: "PENDING", reversalCents: transfer.amountCents } });
      outcome.reversals.push(transfer.id);
    }
    events.add("order.updated", [rooms.user(order.buyerId), rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, status: "REFUNDED" });
  }
  await tx.order.update({ where: { id: order.id }, data: { status: deriveOrderStatus(parts.map((p) => p.status)) } });
  if (targets.length) {
    await recordActivity(tx, events, {
      kind: "payout.refund",
      summary: `${targets.length === parts.length ? "An order" : "Part of an order"} was refunded after payment (${input.reason})`,
      actorId: input.actorId,
      subject: { type: "order", id: order.id },
    });
  }
  return outcome;
}

/** After the commit: the buyer's refund at the provider, then the reversals (the worker retries what fails). */
export async function settleRefund(ctx: PayoutDeps, orderId: string, outcome: RefundOutcome): Promise<void> {
  await settleWithProvider(ctx, orderId, { refunds: outcome.refunds, unpaid: null });
  for (const id of outcome.reversals) await executeReversal(ctx, id, { now: new Date() });
}

/**
 * An admin refunds a seller order after it shipped or was delivered (a return the marketplace
 * accepted): the buyer gets its subtotal back, and the seller's share is taken back from a
 * payout already made.
 */
export async function adminRefundSellerOrder(ctx: AuthedScope, sellerOrderId: string) {
  const so = await ctx.db.sellerOrder.findUnique({ where: { id: sellerOrderId }, select: { orderId: true } });
  if (!so) throw notFound("Seller order");
  const outcome = await inTransaction(ctx, (tx, events) =>
    refundPaidSellerOrders(tx, events, { orderId: so.orderId, sellerOrderIds: [sellerOrderId], reason: `refunded by ${ctx.user.name}`, actorId: ctx.user.id, viaProvider: true }),
  );
  await settleRefund(ctx, so.orderId, outcome);
  return { id: sellerOrderId, status: "REFUNDED" as const, reversed: outcome.reversals.length > 0 };
}
