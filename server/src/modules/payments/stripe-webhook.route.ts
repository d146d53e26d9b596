import type { FastifyInstance } from "fastify";
import Stripe from "stripe";
import { inTransaction } from "../../lib/transaction.ts";
import type { AppDeps } from "../../scope.ts";
import { applyPayment, markPaymentFailed } from "./payments.service.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { nothingToTell, settleWithProvider, type ProviderFollowUp } from "../orders/cancellation.ts";

/** Stripe's default: an event signed more than 5 minutes ago is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Stripe's SDK refuses only signatures that are too old; one dated ahead of our clock by more
 * than ordinary clock skew is refused too, so a leaked signed payload cannot be post-dated to
 * stay replayable (SECURITY 17).
 */
export const WEBHOOK_FUTURE_TOLERANCE_SECONDS = 60;

/** The `t=` of a Stripe-Signature header, in seconds, or null. */
function signedAt(signature: string): number | null {
  const t = /(?:^|,)t=(\d{1,12})(?:,|$)/.exec(signature)?.[1];
  return t ? Number(t) : null;
}

/**
 * `POST /webhooks/stripe`: the signature is verified on the raw body with Stripe's SDK; each event
 * id is recorded once, in the same transaction as the change it causes, so a redelivered (even
 * concurrently) event changes nothing twice; amount, currency and order are checked before an
 * order is marked paid.
 */
export async function registerStripeWebhook(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const secret = deps.config.STRIPE_WEBHOOK_SECRET;
  await app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    scope.post("/webhooks/stripe", { bodyLimit: 512 * 1024 }, async (req, reply) => {
      if (deps.payments.name !== "STRIPE" || !secret) return reply.code(404).send({ error: "Not Found", message: "Stripe is not configured" });
      const signature = req.headers["stripe-signature"];
      if (typeof signature !== "string" || !Buffer.isBuffer(req.body)) return reply.code(400).send({ error: "Bad Request", message: "Missing signature" });
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(req.body, signature, secret, WEBHOOK_TOLERANCE_SECONDS);
      } catch {
        return reply.code(400).send({ error: "Bad Request", message: "Invalid signature" });
      }
      const at = signedAt(signature);
      if (at === null || at - Date.now() / 1000 > WEBHOOK_FUTURE_TOLERANCE_SECONDS) {
        return reply.code(400).send({ error: "Bad Request", message: "Invalid signature" });
      }
      const { outcome, orderId, followUp } = await handleEvent(deps, event);
      // Refunds (a payment for a cancelled order or part) are made once the change has committed.
      if (orderId) await settleWithProvider({ db: deps.database.prisma, deps }, orderId, followUp);
      return reply.send({ received: true, outcome });
    });
  });
}

interface Handled {
  outcome: string;
  orderId?: string;
  followUp: ProviderFollowUp;
}

async function handleEvent(deps: AppDeps, event: Stripe.Event): Promise<Handled> {
  const ctx = { db: deps.database.prisma, deps };
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
      return done(`ignored: ${event.type}`);
    });
  } catch (err) {
    if (isUniqueViolation(err)) return done("duplicate");
    throw err;
  }
}
