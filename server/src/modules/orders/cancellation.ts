import type { OrderStatus } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { conflict } from "../../lib/errors.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { Context } from "../../trpc/context.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { CANCELLABLE, deriveOrderStatus } from "./order-status.ts";
import { returnStock } from "./stock.ts";

export interface PendingRefund {
  sellerOrderId: string;
  providerRef: string;
  amountCents: number;
}

/**
 * Cancels seller orders of one order, inside the caller's transaction: each moves by
 * compare-and-set from a cancellable status (so it happens exactly once), its stock goes back,
 * a paid one is refunded in the shop's ledger and on the payment, and the order's status is
 * derived again. Returns the refunds to make at the provider once the transaction has committed.
 */
export async function cancelSellerOrders(
  tx: Tx,
  events: EventBuffer,
  input: { orderId: string; sellerOrderIds: string[]; actorId: string | null; actorName: string; reason: string },
): Promise<PendingRefund[]> {
  const order = await tx.order.findUniqueOrThrow({ where: { id: input.orderId }, select: { id: true, buyerId: true } });
  const targets = await tx.sellerOrder.findMany({
    where: { id: { in: input.sellerOrderIds }, orderId: order.id },
    orderBy: { id: "asc" },
    select: { id: true, shopId: true, status: true, subtotalCents: true, commissionCents: true, currency: true, items: { select: { variantId: true, quantity: true } } },
  });
  const refunds: PendingRefund[] = [];
  const now = new Date();
  for (const so of targets) {
    const wasPaid = so.status !== "PENDING_PAYMENT";
    const next: OrderStatus = wasPaid ? "REFUNDED" : "CANCELLED";
    const { count } = await tx.sellerOrder.updateMany({
      where: { id: so.id, status: { in: CANCELLABLE } },
      data: { status: next, cancelledAt: now },
    });
    if (count === 0) throw conflict("This order can no longer be cancelled: it has shipped or was cancelled already");
    await returnStock(tx, events, so.items);
    if (wasPaid) {
      await tx.ledgerEntry.createMany({
        data: [
          { shopId: so.shopId, sellerOrderId: so.id, kind: "REFUND", amountCents: -so.subtotalCents, currency: so.currency },
          { shopId: so.shopId, sellerOrderId: so.id, kind: "COMMISSION_REFUND", amountCents: so.commissionCents, currency: so.currency },
        ],
      });
      const payment = await tx.payment.findFirst({ where: { orderId: order.id, status: { in: ["SUCCEEDED", "REFUNDED"] } }, select: { id: true, providerRef: true } });
      if (payment) {
        const updated = await tx.payment.update({
          where: { id: payment.id },
          data: { refundedCents: { increment: so.subtotalCents } },
          select: { refundedCents: true, amountCents: true },
        });
        if (updated.refundedCents === updated.amountCents) await tx.payment.update({ where: { id: payment.id }, data: { status: "REFUNDED" } });
        if (payment.providerRef) refunds.push({ sellerOrderId: so.id, providerRef: payment.providerRef, amountCents: so.subtotalCents });
      }
    }
    events.add("order.updated", [rooms.user(order.buyerId), rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, status: next });
  }
  const all = await tx.sellerOrder.findMany({ where: { orderId: order.id }, select: { status: true } });
  const status = deriveOrderStatus(all.map((s) => s.status));
  const over = status === "CANCELLED" || status === "REFUNDED";
  await tx.order.update({ where: { id: order.id }, data: { status, ...(over ? { cancelledAt: now, expiresAt: null } : {}) } });
  if (status === "CANCELLED") await tx.payment.updateMany({ where: { orderId: order.id, status: { in: ["PENDING", "FAILED"] } }, data: { status: "CANCELLED" } });
  await recordActivity(tx, events, {
    kind: "order.cancelled",
    summary: `${input.actorName} cancelled ${targets.length === all.length ? "an order" : "part of an order"} (${input.reason})`,
    actorId: input.actorId,
    subject: { type: "order", id: order.id },
  });
  return refunds;
}

/** Makes the refunds at the provider after the commit; a failure is recorded on the payment for follow-up. */
export async function executeRefunds(ctx: Pick<Context, "db" | "deps">, orderId: string, refunds: PendingRefund[]): Promise<void> {
  for (const r of refunds) {
    try {
      await ctx.deps.payments.refund({ providerRef: r.providerRef, amountCents: r.amountCents, idempotencyKey: `refund-${r.sellerOrderId}` });
    } catch (err) {
      await ctx.db.payment.updateMany({ where: { orderId, providerRef: r.providerRef }, data: { failureReason: `refund of ${r.amountCents} failed: ${(err as Error).message}` } });
    }
  }
}
