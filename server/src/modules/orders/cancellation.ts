import type { ShopRole } from "@marketplace/shared";
import type { OrderStatus } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { Scope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { lockOrder } from "./order-lock.ts";
import { CANCELLABLE, deriveOrderStatus } from "./order-status.ts";
import { returnStock, type ReturnLine } from "./stock.ts";
import { tellOrderCancelled } from "../notifications/order-messages.ts";

export interface PendingRefund {
  /** The provider's idempotency key: the same refund asked twice is made once. */
  key: string;
  providerRef: string;
  amountCents: number;
}

/** What the payment provider must be told once the transaction has committed. */
export interface ProviderFollowUp {
  refunds: PendingRefund[];
  /** An unpaid payment whose amount changed because parts were cancelled: its new amount (0: cancel it). */
  unpaid: { providerRef: string; amountCents: number } | null;
}

export const nothingToTell: ProviderFollowUp = { refunds: [], unpaid: null };

/**
 * Cancels seller orders of one order, inside the caller's transaction and under the order's lock
 * (so a payment landing at the same moment is decided before or after, never in between). Each
 * part moves by compare-and-set from the status read under the lock, its stock goes back, a paid
 * one is refunded in the shop's ledger and on the payment; an unpaid order's payment shrinks to
 * the parts still live, so nobody is charged for a cancelled part. The order's status is derived
 * again. Returns what the provider must be told after the commit.
 */
export async function cancelSellerOrders(
  tx: Tx,
  events: EventBuffer,
  input: {
    orderId: string;
    sellerOrderIds: string[];
    actorId: string | null;
    actorName: string;
    reason: string;
    /** The order's hold ran out (the sweeper): the stock history says EXPIRY rather than CANCEL. */
    expired?: boolean;
    /** The acting member's role in the shop, for the audit (a seller's cancellation). */
    memberRole?: ShopRole;
  },
): Promise<ProviderFollowUp> {
  const order = await lockOrder(tx, input.orderId);
  if (!order) throw notFound("Order");
  const parts = await tx.sellerOrder.findMany({
    where: { orderId: order.id },
    orderBy: { id: "asc" },
    select: { id: true, shopId: true, status: true, subtotalCents: true, commissionCents: true, currency: true, items: { select: { variantId: true, quantity: true } } },
  });
  const targets = parts.filter((p) => input.sellerOrderIds.includes(p.id));
  const refunds: PendingRefund[] = [];
  const returned: ReturnLine[] = [];
  const now = new Date();
  for (const so of targets) {
    if (!CANCELLABLE.includes(so.status)) throw conflict("This order can no longer be cancelled: it has shipped or was cancelled already");
    const wasPaid = so.status !== "PENDING_PAYMENT";
    const next: OrderStatus = wasPaid ? "REFUNDED" : "CANCELLED";
    const { count } = await tx.sellerOrder.updateMany({ where: { id: so.id, status: so.status }, data: { status: next, cancelledAt: now } });
    if (count === 0) throw conflict("This order changed meanwhile: reload it");
    so.status = next;
    const reason = wasPaid ? "REFUND" : input.expired ? "EXPIRY" : "CANCEL";
    returned.push(...so.items.map((item) => ({ ...item, sellerOrderId: so.id, reason }) as const));
    if (wasPaid) {
      await tx.ledgerEntry.createMany({
        data: [
          { shopId: so.shopId, sellerOrderId: so.id, kind: "REFUND", amountCents: -so.subtotalCents, currency: so.currency },
          { shopId: so.shopId, sellerOrderId: so.id, kind: "COMMISSION_REFUND", amountCents: so.commissionCents, currency: so.currency },
        ],
      });
      const refund = await refundOnPayment(tx, order.id, so.subtotalCents);
      if (refund) refunds.push({ key: `refund-${so.id}`, providerRef: refund.providerRef, amountCents: so.subtotalCents });
    }
    events.add("order.updated", [rooms.user(order.buyerId), rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, status: next });
  }
  await returnStock(tx, events, returned);
  const status = deriveOrderStatus(parts.map((s) => s.status));
  const over = status === "CANCELLED" || status === "REFUNDED";
  await tx.order.update({ where: { id: order.id }, data: { status, ...(over ? { cancelledAt: now, expiresAt: null } : {}) } });
  const unpaid = order.status === "PENDING_PAYMENT" ? await resizeUnpaidPayment(tx, order.id, liveCents(parts)) : null;
  await recordActivity(tx, events, {
    kind: "order.cancelled",
    summary: `${input.actorName} cancelled ${targets.length === parts.length ? "an order" : "part of an order"} (${input.reason})`,
    actorId: input.actorId,
    subject: { type: "order", id: order.id },
    data: { sellerOrderIds: targets.map((t) => t.id), ...(input.memberRole ? { memberRole: input.memberRole } : {}) },
  });
  await tellOrderCancelled(tx, events, { orderId: order.id, buyerId: order.buyerId, actorId: input.actorId, actorName: input.actorName, reason: input.reason, whole: targets.length === parts.length, refunded: refunds.length > 0 || targets.some((t) => t.status === "REFUNDED") });
  return { refunds, unpaid };
}

/** What the parts still waiting for payment add up to: all an unpaid order may charge. */
export function liveCents(parts: { status: OrderStatus; subtotalCents: number }[]): number {
  return parts.filter((p) => p.status === "PENDING_PAYMENT").reduce((n, p) => n + p.subtotalCents, 0);
}

/** Counts a refund on the order's payment (REFUNDED once all of it is back); null when nothing was paid. */
export async function refundOnPayment(tx: Tx, orderId: string, amountCents: number): Promise<{ providerRef: string } | null> {
  const payment = await tx.payment.findFirst({ where: { orderId, status: { in: ["SUCCEEDED", "REFUNDED"] } }, select: { id: true, providerRef: true } });
  if (!payment) return null;
  const updated = await tx.payment.update({
    where: { id: payment.id },
    data: { refundedCents: { increment: amountCents } },
    select: { refundedCents: true, amountCents: true },
  });
  if (updated.refundedCents >= updated.amountCents) await tx.payment.update({ where: { id: payment.id }, data: { status: "REFUNDED" } });
  return payment.providerRef ? { providerRef: payment.providerRef } : null;
}

/**
 * An unpaid order lost parts: its open payment now asks only for the live parts (or is
 * cancelled when none is left). Returns what the provider must be told of it.
 */
async function resizeUnpaidPayment(tx: Tx, orderId: string, amountCents: number): Promise<ProviderFollowUp["unpaid"]> {
  const open = { orderId, status: { in: ["PENDING" as const, "FAILED" as const] } };
  const payment = await tx.payment.findFirst({ where: open, orderBy: { createdAt: "desc" }, select: { providerRef: true } });
  await tx.payment.updateMany({ where: open, data: amountCents > 0 ? { amountCents } : { status: "CANCELLED" } });
  return payment?.providerRef ? { providerRef: payment.providerRef, amountCents } : null;
}

/**
 * Tells the provider, after the commit: refunds are made (a failure is recorded on the payment
 * for follow-up), and an unpaid payment is resized or cancelled. A failed resize or cancel is
 * left alone on purpose: it fails when the buyer paid at that very moment, and the provider's
 * success then reaches `applyPayment`, which refunds whatever the live parts do not cover.
 */
export async function settleWithProvider(ctx: Pick<Scope, "db" | "deps">, orderId: string, followUp: ProviderFollowUp): Promise<void> {
  const provider = ctx.deps.payments;
  for (const r of followUp.refunds) {
    try {
      await provider.refund({ providerRef: r.providerRef, amountCents: r.amountCents, idempotencyKey: r.key });
    } catch (err) {
      await ctx.db.payment.updateMany({ where: { orderId, providerRef: r.providerRef }, data: { failureReason: `refund of ${r.amountCents} failed: ${(err as Error).message}` } });
    }
  }
  const unpaid = followUp.unpaid;
  if (unpaid) {
    await (unpaid.amountCents > 0 ? provider.updateAmount(unpaid) : provider.cancelPayment(unpaid.providerRef)).catch(() => undefined);
  }
}
