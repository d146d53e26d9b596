import type Stripe from "stripe";
import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { notify } from "../notifications/notify.ts";
import { applyAccountState } from "./connect.service.ts";
import { closeDispute, openDispute } from "./disputes.ts";
import type { RefundOutcome } from "./refunds.ts";
import { markReversed, markTransferPaid } from "./transfers.ts";

export interface PayoutEventResult {
  outcome: string;
  /** After the commit: refunds and reversals to make (a lost dispute). */
  settle?: { orderId: string; outcome: RefundOutcome };
}

/**
 * The Connect side of Stripe's webhooks, applied inside the transaction that records the event
 * id (payments.service: verified, deduplicated, applied once). Returns null for events that are
 * not about payouts.
 * - `account.updated`: the shop's account flags and requirements;
 * - `transfer.created|updated`: reconciles a transfer whose booking was lost (a crash between
 *   Stripe's answer and the commit) from Stripe's own record, matched by its metadata and amount;
 * - `transfer.reversed`: the same for a reversal;
 * - `charge.dispute.created|closed`: freezes, then releases or reverses;
 * - `payout.paid|failed` on a connected account: the shop's owner hears of a failed bank payout.
 */
export async function applyPayoutEvent(tx: Tx, events: EventBuffer, event: Stripe.Event): Promise<PayoutEventResult | null> {
  switch (event.type) {
    case "account.updated": {
      const a = event.data.object;
      const changed = await applyAccountState(tx, events, {
        accountRef: a.id,
        chargesEnabled: a.charges_enabled ?? false,
        payoutsEnabled: a.payouts_enabled ?? false,
        detailsSubmitted: a.details_submitted ?? false,
        requirements: a.requirements?.currently_due ?? [],
        disabledReason: a.requirements?.disabled_reason ?? null,
      });
      return { outcome: changed ? "ACCOUNT_UPDATED" : "ignored: unknown account" };
    }
    case "transfer.created":
    case "transfer.updated": {
      const t = event.data.object;
      const row = await pendingTransferFor(tx, t.metadata?.sellerOrderId, t.amount, t.destination);
      if (!row) return { outcome: "ignored: nothing to reconcile" };
      return { outcome: (await markTransferPaid(tx, { id: row.id, transferRef: t.id })) ? "RECONCILED" : "duplicate" };
    }
    case "transfer.reversed": {
      const t = event.data.object;
      const row = await tx.payoutTransfer.findFirst({ where: { providerRef: t.id, reversalStatus: "PENDING" }, select: { id: true, reversalCents: true } });
      const reversal = t.reversals?.data?.find((r) => r.amount === row?.reversalCents);
      if (!row || !reversal) return { outcome: "ignored: nothing to reconcile" };
      return { outcome: (await markReversed(tx, { id: row.id, reversalRef: reversal.id })) ? "RECONCILED" : "duplicate" };
    }
    case "charge.dispute.created": {
      const d = event.data.object;
      const orderId = await openDispute(tx, events, {
        providerRef: d.id,
        paymentRef: typeof d.payment_intent === "string" ? d.payment_intent : (d.payment_intent?.id ?? null),
        amountCents: d.amount,
        currency: d.currency,
        reason: d.reason ?? "unspecified",
      });
      return { outcome: orderId ? "DISPUTE_OPENED" : "ignored: unknown payment" };
    }
    case "charge.dispute.closed": {
      const d = event.data.object;
      const closed = await closeDispute(tx, events, { providerRef: d.id, status: d.status });
      if (!closed) return { outcome: "ignored: no open dispute" };
      return { outcome: d.status === "lost" ? "DISPUTE_LOST" : "DISPUTE_WON", settle: closed };
    }
    case "payout.paid":
    case "payout.failed": {
      const p = event.data.object;
      const account = event.account ? await tx.payoutAccount.findUnique({ where: { accountRef: event.account }, select: { shopId: true } }) : null;
      if (!account) return { outcome: "ignored: unknown account" };
      if (event.type === "payout.failed") {
        const shop = await tx.shop.findUniqueOrThrow({ where: { id: account.shopId }, select: { ownerId: true } });
        const text = `Stripe could not pay ${(p.amount / 100).toFixed(2)} ${p.currency.toUpperCase()} to your bank${p.failure_message ? `: ${p.failure_message}` : ""}`;
        await notify(tx, events, shop.ownerId, { kind: "payout.failed", text, link: "/seller/payouts" });
        await recordActivity(tx, events, { kind: "payout.transfer_failed", summary: text, subject: { type: "shop", id: account.shopId } });
      }
      return { outcome: event.type === "payout.paid" ? "PAYOUT_PAID" : "PAYOUT_FAILED" };
    }
    default:
      return null;
  }
}

async function pendingTransferFor(tx: Tx, sellerOrderId: string | undefined, amount: number, destination: string | Stripe.Account | null) {
  if (!sellerOrderId) return null;
  const accountRef = typeof destination === "string" ? destination : (destination?.id ?? null);
  const row = await tx.payoutTransfer.findUnique({ where: { sellerOrderId }, select: { id: true, status: true, amountCents: true, accountRef: true } });
  if (!row || row.status !== "PENDING" || row.amountCents !== amount || row.accountRef !== accountRef) return null;
  return row;
}
