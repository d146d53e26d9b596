import type { ConfirmTestPaymentInput } from "@marketplace/shared";
import { DomainError, conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { Db, Tx } from "../../db/client.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { AuthedContext, Context } from "../../trpc/context.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { getBuyerOrder } from "../orders/orders.service.ts";

type Deps = Pick<Context, "db" | "deps">;

/** A payment row still to be paid (the one a checkout just wrote can be passed as is). */
export interface PendingPayment {
  id: string;
  amountCents: number;
  currency: string;
  providerRef: string | null;
}

/**
 * The provider's payment for an unpaid order, created on first need and reused after: a retried
 * checkout gets the same PaymentIntent (the provider call is idempotent per order).
 */
export async function ensurePayment(ctx: Deps, orderId: string, known?: PendingPayment): Promise<{ clientSecret: string | null }> {
  const payment =
    known ??
    (await ctx.db.payment.findFirst({
      where: { orderId, provider: ctx.deps.payments.name, status: { in: ["PENDING", "FAILED"] } },
      orderBy: { createdAt: "desc" },
      select: { id: true, amountCents: true, currency: true, providerRef: true },
    }));
  if (!payment) return { clientSecret: null };
  const created = await ctx.deps.payments.createPayment({ orderId, amountCents: payment.amountCents, currency: payment.currency });
  if (payment.providerRef !== created.providerRef) {
    await ctx.db.payment.update({ where: { id: payment.id }, data: { providerRef: created.providerRef } });
  }
  return { clientSecret: created.clientSecret };
}

export interface PaymentResult {
  orderId: string;
  amountCents: number;
  currency: string;
  providerRef: string | null;
}

export type MarkPaidOutcome = "PAID" | "ALREADY_PAID" | "FLAGGED" | "NOT_PAYABLE";

/**
 * A payment succeeded: the order and all its seller orders become PAID in one transaction, the
 * shops' ledgers get the sale and the commission, sellers are told of their new orders. Amount,
 * currency and order are checked first: a mismatch flags the order instead of fulfilling it.
 * A compare-and-set on the status makes a repeated success a no-op.
 */
export async function markPaid(ctx: Deps, result: PaymentResult): Promise<MarkPaidOutcome> {
  return inTransaction(ctx, (tx, events) => applyPayment(tx, events, result));
}

/** markPaid's work inside a transaction the caller owns (the webhook records its event id in it). */
export async function applyPayment(tx: Tx, events: EventBuffer, result: PaymentResult): Promise<MarkPaidOutcome> {
  {
    const order = await tx.order.findUnique({
      where: { id: result.orderId },
      select: { id: true, buyerId: true, status: true, totalCents: true, currency: true, buyer: { select: { name: true } } },
    });
    if (!order) return "NOT_PAYABLE";
    if (order.totalCents !== result.amountCents || order.currency.toUpperCase() !== result.currency.toUpperCase()) {
      const reason = `payment of ${result.amountCents} ${result.currency.toUpperCase()} does not match the order's ${order.totalCents} ${order.currency}`;
      await tx.order.update({ where: { id: order.id }, data: { flaggedReason: reason } });
      await recordActivity(tx, events, { kind: "order.status_changed", summary: `Order ${order.id} flagged: ${reason}`, subject: { type: "order", id: order.id } });
      return "FLAGGED";
    }
    const now = new Date();
    const { count } = await tx.order.updateMany({ where: { id: order.id, status: "PENDING_PAYMENT" }, data: { status: "PAID", paidAt: now, expiresAt: null } });
    if (count === 0) {
      if (order.status !== "CANCELLED") return "ALREADY_PAID";
      // Paid after it expired and gave its stock back: keep the money out of the shops' hands.
      await tx.order.update({ where: { id: order.id }, data: { flaggedReason: "paid after the order was cancelled: refund the buyer" } });
      return "FLAGGED";
    }
    await tx.payment.updateMany({
      where: { orderId: order.id, status: { in: ["PENDING", "FAILED"] } },
      data: { status: "SUCCEEDED", failureReason: null, ...(result.providerRef ? { providerRef: result.providerRef } : {}) },
    });
    await tx.sellerOrder.updateMany({ where: { orderId: order.id, status: "PENDING_PAYMENT" }, data: { status: "PAID" } });
    const sellerOrders = await tx.sellerOrder.findMany({
      where: { orderId: order.id },
      select: { id: true, shopId: true, subtotalCents: true, commissionCents: true, currency: true, items: { select: { productTitle: true, variantTitle: true, quantity: true } } },
    });
    await tx.ledgerEntry.createMany({
      data: sellerOrders.flatMap((so) => [
        { shopId: so.shopId, sellerOrderId: so.id, kind: "SALE" as const, amountCents: so.subtotalCents, currency: so.currency },
        { shopId: so.shopId, sellerOrderId: so.id, kind: "COMMISSION" as const, amountCents: -so.commissionCents, currency: so.currency },
      ]),
    });
    for (const so of sellerOrders) {
      events.add("order.updated", [rooms.user(order.buyerId), rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, status: "PAID" });
      events.add("order.created", [rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, totalCents: so.subtotalCents, currency: so.currency, items: so.items });
    }
    await recordActivity(tx, events, {
      kind: "order.paid",
      summary: `${order.buyer.name} paid ${(order.totalCents / 100).toFixed(2)} ${order.currency}`,
      actorId: order.buyerId,
      subject: { type: "order", id: order.id },
    });
    return "PAID";
  }
}

/** A payment attempt failed (declined card): the order stays unpaid and may be paid again. */
export async function markPaymentFailed(db: Db | Tx, orderId: string, reason: string): Promise<void> {
  await db.payment.updateMany({ where: { orderId, status: "PENDING" }, data: { status: "FAILED", failureReason: reason } });
}

/** The test provider's "the buyer paid" (or "the card was declined"), for the order's own buyer. */
export async function confirmTestPayment(ctx: AuthedContext, input: ConfirmTestPaymentInput) {
  if (ctx.deps.payments.name !== "TEST") throw new DomainError("FORBIDDEN", "Test payments are disabled");
  const order = await ctx.db.order.findFirst({ where: { id: input.id, buyerId: ctx.user.id }, select: { id: true, status: true, totalCents: true, currency: true } });
  if (!order) throw notFound("Order");
  if (order.status === "CANCELLED") throw conflict("This order was cancelled");
  if (input.outcome === "fail") {
    if (order.status !== "PENDING_PAYMENT") throw conflict("This order is already paid");
    await markPaymentFailed(ctx.db, order.id, "card_declined");
  } else {
    await markPaid(ctx, { orderId: order.id, amountCents: order.totalCents, currency: order.currency, providerRef: `test_${order.id}` });
  }
  return getBuyerOrder(ctx, order.id);
}
