import type { ConfirmTestPaymentInput } from "@marketplace/shared";
import type Stripe from "stripe";
import { isUniqueViolation } from "../../db/errors.ts";
import { DomainError, conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { Db, Tx } from "../../db/client.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { AuthedScope, Scope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { liveCents, nothingToTell, settleWithProvider, type ProviderFollowUp } from "../orders/cancellation.ts";
import { lockOrder, type LockedOrder } from "../orders/order-lock.ts";
import { getBuyerOrder } from "../orders/orders.service.ts";
import { tellOrderPaid } from "../notifications/order-messages.ts";
import { applyPayoutEvent, type PayoutEventResult } from "../payouts/payout-webhooks.ts";
import { settleRefund } from "../payouts/refunds.ts";

type Deps = Pick<Scope, "db" | "deps">;

/** A payment row still to be paid (the one a checkout just wrote can be passed as is). */
export interface PendingPayment {
  id: string;
  amountCents: number;
  currency: string;
  providerRef: string | null;
}

const OPEN = ["PENDING", "FAILED"] as const;

/**
 * The provider's payment for an unpaid order, created on first need and resumed after: a retried
 * checkout gets the same PaymentIntent (created idempotently per order), brought to the amount
 * still due if a shop cancelled its part meanwhile.
 */
export async function ensurePayment(ctx: Deps, orderId: string, known?: PendingPayment): Promise<{ clientSecret: string | null }> {
  const payment =
    known ??
    (await ctx.db.payment.findFirst({
      where: { orderId, provider: ctx.deps.payments.name, status: { in: [...OPEN] } },
      orderBy: { createdAt: "desc" },
      select: { id: true, amountCents: true, currency: true, providerRef: true },
    }));
  if (!payment) return { clientSecret: null };
  if (payment.providerRef) return ctx.deps.payments.resumePayment({ providerRef: payment.providerRef, amountCents: payment.amountCents });
  const created = await ctx.deps.payments.createPayment({ orderId, amountCents: payment.amountCents, currency: payment.currency });
  await ctx.db.payment.update({ where: { id: payment.id }, data: { providerRef: created.providerRef } });
  return { clientSecret: created.clientSecret };
}

export interface PaymentResult {
  orderId: string;
  amountCents: number;
  currency: string;
  providerRef: string | null;
}

export type PaymentOutcome = "PAID" | "ALREADY_PAID" | "FLAGGED" | "NOT_PAYABLE" | "REFUNDED";

export interface AppliedPayment {
  outcome: PaymentOutcome;
  /** Refunds to make once the transaction has committed. */
  followUp: ProviderFollowUp;
}

/**
 * A payment succeeded at the provider; runs inside a transaction the caller owns (the webhook
 * records its event id in it) and under the order's lock, so a cancellation at the same moment
 * is decided wholly before or after it:
 * - the order is unpaid: the parts still live (a shop may have cancelled its part before
 *   payment) become PAID and only they are booked in the shops' ledgers; a charge above what
 *   they add up to (the provider had not heard of the cancellation yet) is refunded at once;
 * - the order was cancelled meanwhile (by the buyer, or the sweeper when its hold expired): the
 *   whole charge is refunded at once, nothing is fulfilled, no stock is taken again;
 * - a charge below what is due, or in another currency, flags the order instead of fulfilling it.
 * A repeated success is a no-op.
 */
export async function applyPayment(tx: Tx, events: EventBuffer, result: PaymentResult): Promise<AppliedPayment> {
  const order = await lockOrder(tx, result.orderId);
  if (!order) return { outcome: "NOT_PAYABLE", followUp: nothingToTell };
  if (order.status === "CANCELLED") return refundCancelledOrder(tx, events, order, result);
  if (order.status !== "PENDING_PAYMENT") return { outcome: "ALREADY_PAID", followUp: nothingToTell };
  const parts = await tx.sellerOrder.findMany({
    where: { orderId: order.id },
    select: { id: true, shopId: true, status: true, subtotalCents: true, commissionCents: true, currency: true, items: { select: { productTitle: true, variantTitle: true, quantity: true } } },
  });
  const due = liveCents(parts);
  if (order.currency.toUpperCase() !== result.currency.toUpperCase() || result.amountCents < due || result.amountCents > order.totalCents) {
    const reason = `payment of ${result.amountCents} ${result.currency.toUpperCase()} does not match the ${due} ${order.currency} due`;
    await tx.order.update({ where: { id: order.id }, data: { flaggedReason: reason } });
    await recordActivity(tx, events, { kind: "order.status_changed", summary: `Order ${order.id} flagged: ${reason}`, subject: { type: "order", id: order.id } });
    return { outcome: "FLAGGED", followUp: nothingToTell };
  }
  const live = parts.filter((p) => p.status === "PENDING_PAYMENT");
  const excess = result.amountCents - due;
  await tx.order.update({ where: { id: order.id }, data: { status: "PAID", paidAt: new Date(), expiresAt: null } });
  await tx.sellerOrder.updateMany({ where: { id: { in: live.map((p) => p.id) }, status: "PENDING_PAYMENT" }, data: { status: "PAID" } });
  const providerRef = await recordCharge(tx, order.id, result, { status: "SUCCEEDED", refundedCents: excess });
  await tx.ledgerEntry.createMany({
    data: live.flatMap((so) => [
      { shopId: so.shopId, sellerOrderId: so.id, kind: "SALE" as const, amountCents: so.subtotalCents, currency: so.currency },
      { shopId: so.shopId, sellerOrderId: so.id, kind: "COMMISSION" as const, amountCents: -so.commissionCents, currency: so.currency },
    ]),
  });
  for (const so of live) {
    events.add("order.updated", [rooms.user(order.buyerId), rooms.shop(so.shopId)], { orderId: order.id, sellerOrderId: so.id, status: "PAID" });
    events.add("order.created", [rooms.shopMoney(so.shopId)], { orderId: order.id, sellerOrderId: so.id, totalCents: so.subtotalCents, currency: so.currency, items: so.items });
  }
  await tellOrderPaid(tx, events, order.id);
  const buyer = await tx.user.findUniqueOrThrow({ where: { id: order.buyerId }, select: { name: true } });
  await recordActivity(tx, events, {
    kind: "order.paid",
    summary: `${buyer.name} paid ${(due / 100).toFixed(2)} ${order.currency}${excess ? ` (${(excess / 100).toFixed(2)} for cancelled parts refunded)` : ""}`,
    actorId: order.buyerId,
    actorName: buyer.name,
    subject: { type: "order", id: order.id },
  });
  const refunds = excess > 0 && providerRef ? [{ key: `refund-${order.id}-cancelled-parts`, providerRef, amountCents: excess }] : [];
  return { outcome: "PAID", followUp: { refunds, unpaid: null } };
}

/** Paid after the order was cancelled (the buyer paid as it expired or was cancelled): all of it goes back. */
async function refundCancelledOrder(tx: Tx, events: EventBuffer, order: LockedOrder, result: PaymentResult): Promise<AppliedPayment> {
  // A success delivered again (a new event for the same charge) was refunded the first time.
  const recorded = await tx.payment.count({ where: { orderId: order.id, status: { in: ["SUCCEEDED", "REFUNDED"] } } });
  if (recorded) return { outcome: "ALREADY_PAID", followUp: nothingToTell };
  const providerRef = await recordCharge(tx, order.id, result, { status: "REFUNDED", refundedCents: result.amountCents });
  await recordActivity(tx, events, {
    kind: "order.cancelled",
    summary: `A payment of ${(result.amountCents / 100).toFixed(2)} ${result.currency.toUpperCase()} came after the order was cancelled: refunded in full`,
    actorId: order.buyerId,
    subject: { type: "order", id: order.id },
  });
  const refunds = providerRef ? [{ key: `refund-${order.id}-cancelled-order`, providerRef, amountCents: result.amountCents }] : [];
  return { outcome: "REFUNDED", followUp: { refunds, unpaid: null } };
}

/** Writes what the provider charged on the order's latest payment row; returns the charge's provider id. */
async function recordCharge(tx: Tx, orderId: string, result: PaymentResult, state: { status: "SUCCEEDED" | "REFUNDED"; refundedCents: number }): Promise<string | null> {
  const payment = await tx.payment.findFirst({ where: { orderId }, orderBy: { createdAt: "desc" }, select: { id: true, providerRef: true } });
  if (!payment) return result.providerRef;
  await tx.payment.update({
    where: { id: payment.id },
    data: { ...state, amountCents: result.amountCents, failureReason: null, ...(result.providerRef ? { providerRef: result.providerRef } : {}) },
  });
  return result.providerRef ?? payment.providerRef;
}

/** A payment attempt failed (declined card): the order stays unpaid and may be paid again. */
export async function markPaymentFailed(db: Db | Tx, orderId: string, reason: string): Promise<void> {
  await db.payment.updateMany({ where: { orderId, status: "PENDING" }, data: { status: "FAILED", failureReason: reason } });
}

/**
 * The test provider's "the buyer paid" (or "the card was declined"), for the order's own buyer:
 * it charges what the order's payment asks for now, under the order's lock. A cancelled order
 * cannot be paid (the test provider has charged nothing yet, so nothing needs refunding).
 */
export async function confirmTestPayment(ctx: AuthedScope, input: ConfirmTestPaymentInput) {
  if (ctx.deps.payments.name !== "TEST") throw new DomainError("FORBIDDEN", "Test payments are disabled");
  const followUp = await inTransaction(ctx, async (tx, events) => {
    const order = await lockOrder(tx, input.id);
    if (!order || order.buyerId !== ctx.user.id) throw notFound("Order");
    if (order.status === "CANCELLED") throw conflict("This order was cancelled");
    if (order.status !== "PENDING_PAYMENT") {
      if (input.outcome === "fail") throw conflict("This order is already paid");
      return nothingToTell;
    }
    if (input.outcome === "fail") {
      await markPaymentFailed(tx, order.id, "card_declined");
      return nothingToTell;
    }
    const payment = await tx.payment.findFirst({ where: { orderId: order.id, status: { in: [...OPEN] } }, orderBy: { createdAt: "desc" }, select: { amountCents: true } });
    const applied = await applyPayment(tx, events, { orderId: order.id, amountCents: payment?.amountCents ?? order.totalCents, currency: order.currency, providerRef: `test_${order.id}` });
    return applied.followUp;
  });
  await settleWithProvider(ctx, input.id, followUp);
  return getBuyerOrder(ctx, input.id);
}

interface Handled {
  outcome: string;
  orderId?: string;
  followUp: ProviderFollowUp;
  /** Connect events (payouts, disputes): refunds and reversals to make after the commit. */
  settle?: PayoutEventResult["settle"];
}

/**
 * A Stripe event whose signature the webhook route verified: each event id is recorded once, in
 * the same transaction as the change it causes, so a redelivered (even concurrently) event
 * changes nothing twice ("duplicate"); a success is applied only to the order named in its
 * metadata and only if it is that order's payment, with amount and currency checked
 * (applyPayment); a failure marks the order's payment FAILED; other events are ignored. Refunds
 * (a payment for a cancelled order or part) are made once the change has committed. Connect
 * events (accounts, transfers, disputes, connected accounts' payouts) go to the payouts module
 * (payout-webhooks.ts), in the same transaction.
 */
export async function handleStripeEvent(ctx: Deps, event: Stripe.Event): Promise<{ outcome: string }> {
  const { outcome, orderId, followUp, settle } = await recordStripeEvent(ctx, event);
  if (orderId) await settleWithProvider(ctx, orderId, followUp);
  if (settle) await settleRefund(ctx, settle.orderId, settle.outcome);
  return { outcome };
}

async function recordStripeEvent(ctx: Deps, event: Stripe.Event): Promise<Handled> {
  const done = (outcome: string): Handled => ({ outcome, followUp: nothingToTell });
  try {
    return await inTransaction(ctx, async (tx, events) => {
      await tx.webhookEvent.create({ data: { provider: "STRIPE", eventId: event.id, type: event.type } });
      if (event.type === "payment_intent.succeeded") {
        const intent = event.data.object;
        const orderId = intent.metadata?.orderId;
        if (!orderId) return done("ignored: no order");
        const payment = await tx.payment.findFirst({ where: { orderId, provider: "STRIPE" }, select: { providerRef: true } });
        if (!payment || (payment.providerRef && payment.providerRef !== intent.id)) {
          await tx.order.updateMany({ where: { id: orderId }, data: { flaggedReason: `payment ${intent.id} is not this order's payment` } });
          return done("FLAGGED");
        }
        const applied = await applyPayment(tx, events, { orderId, amountCents: intent.amount_received || intent.amount, currency: intent.currency, providerRef: intent.id });
        return { outcome: applied.outcome, orderId, followUp: applied.followUp };
      }
      if (event.type === "payment_intent.payment_failed") {
        const intent = event.data.object;
        if (intent.metadata?.orderId) await markPaymentFailed(tx, intent.metadata.orderId, intent.last_payment_error?.code ?? "payment_failed");
        return done("FAILED");
      }
      const payout = await applyPayoutEvent(tx, events, event);
      if (payout) return { outcome: payout.outcome, followUp: nothingToTell, settle: payout.settle };
      return done(`ignored: ${event.type}`);
    });
  } catch (err) {
    if (isUniqueViolation(err)) return done("duplicate");
    throw err;
  }
}
