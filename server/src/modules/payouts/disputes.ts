import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { notify, notifyAdmins } from "../notifications/notify.ts";
import { refundPaidSellerOrders, type RefundOutcome } from "./refunds.ts";

export interface DisputeFacts {
  providerRef: string;
  /** The disputed payment at the provider (a PaymentIntent id). */
  paymentRef: string | null;
  amountCents: number;
  currency: string;
  reason: string;
}

/**
 * `charge.dispute.created`: the order's seller orders are frozen (no payout while the dispute is
 * open: balances.ts leaves them pending) and each shop's owner and the admins are told, in-app
 * and by email, in this same transaction. Returns the order id, or null when the payment is not
 * one of ours.
 */
export async function openDispute(tx: Tx, events: EventBuffer, facts: DisputeFacts): Promise<string | null> {
  const payment = facts.paymentRef ? await tx.payment.findFirst({ where: { providerRef: facts.paymentRef }, select: { orderId: true } }) : null;
  if (!payment) return null;
  await tx.$queryRaw`SELECT "id" FROM "orders" WHERE "id" = ${payment.orderId} FOR UPDATE`;
  const existing = await tx.paymentDispute.findUnique({ where: { providerRef: facts.providerRef }, select: { id: true } });
  if (existing) return payment.orderId;
  await tx.paymentDispute.create({
    data: { providerRef: facts.providerRef, orderId: payment.orderId, amountCents: facts.amountCents, currency: facts.currency.toUpperCase(), reason: facts.reason },
  });
  const parts = await tx.sellerOrder.findMany({
    where: { orderId: payment.orderId },
    select: { id: true, shop: { select: { id: true, name: true, ownerId: true } } },
  });
  const amount = `${(facts.amountCents / 100).toFixed(2)} ${facts.currency.toUpperCase()}`;
  for (const so of parts) {
    await notify(tx, events, so.shop.ownerId, { kind: "payout.dispute", text: `A buyer disputed a payment (${amount}): the payout of this order is on hold`, link: "/seller/payouts" });
    await enqueueMail(tx, {
      userId: so.shop.ownerId,
      template: "payout_dispute",
      data: { shopName: so.shop.name, sellerOrderId: so.id, amountCents: facts.amountCents, currency: facts.currency.toUpperCase(), reason: facts.reason },
    });
  }
  await notifyAdmins(tx, events, { kind: "payout.dispute", text: `A payment of ${amount} was disputed (${facts.reason}): its payouts are frozen`, link: "/admin/payouts" });
  await recordActivity(tx, events, { kind: "payout.dispute", summary: `Dispute ${facts.providerRef} opened on an order (${amount}, ${facts.reason})`, subject: { type: "order", id: payment.orderId } });
  return payment.orderId;
}

/**
 * `charge.dispute.closed`: won (or a warning closed) releases the frozen payouts; lost means the
 * bank gave the buyer the money back, so the order's paid seller orders are refunded in the
 * ledger (no refund asked of the provider) and payouts already made are reversed.
 */
export async function closeDispute(tx: Tx, events: EventBuffer, input: { providerRef: string; status: string }): Promise<{ orderId: string; outcome: RefundOutcome } | null> {
  const dispute = await tx.paymentDispute.findUnique({ where: { providerRef: input.providerRef }, select: { id: true, orderId: true, status: true } });
  if (!dispute || dispute.status !== "OPEN") return null;
  const lost = input.status === "lost";
  await tx.paymentDispute.update({ where: { id: dispute.id }, data: { status: lost ? "LOST" : "WON", closedAt: new Date() } });
  const outcome: RefundOutcome = lost
    ? await refundPaidSellerOrders(tx, events, { orderId: dispute.orderId, sellerOrderIds: "all", reason: "dispute lost", actorId: null, viaProvider: false })
    : { refunds: [], reversals: [] };
  await recordActivity(tx, events, {
    kind: "payout.dispute",
    summary: `Dispute ${input.providerRef} closed: ${lost ? "lost, the order's payouts are taken back" : "won, payouts released"}`,
    subject: { type: "order", id: dispute.orderId },
  });
  return { orderId: dispute.orderId, outcome };
}
