import type { FastifyInstance } from "fastify";
import Stripe from "stripe";
import { inTransaction } from "../../lib/transaction.ts";
import type { AppDeps } from "../../trpc/context.ts";
import { applyPayment, markPaymentFailed } from "./payments.service.ts";
import { isUniqueViolation } from "../../db/errors.ts";

/** Stripe's default: an event signed more than 5 minutes ago is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

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
      const outcome = await handleEvent(deps, event);
      return reply.send({ received: true, outcome });
    });
  });
}

async function handleEvent(deps: AppDeps, event: Stripe.Event): Promise<string> {
  const ctx = { db: deps.database.prisma, deps };
  try {
    return await inTransaction(ctx, async (tx, events) => {
      await tx.webhookEvent.create({ data: { provider: "STRIPE", eventId: event.id, type: event.type } });
      if (event.type === "payment_intent.succeeded") {
        const intent = event.data.object;
        const orderId = intent.metadata?.orderId;
        if (!orderId) return "ignored: no order";
        const payment = await tx.payment.findFirst({ where: { orderId, provider: "STRIPE" }, select: { providerRef: true } });
        if (!payment || (payment.providerRef && payment.providerRef !== intent.id)) {
          await tx.order.updateMany({ where: { id: orderId }, data: { flaggedReason: `payment ${intent.id} is not this order's payment` } });
          return "FLAGGED";
        }
        return applyPayment(tx, events, { orderId, amountCents: intent.amount_received || intent.amount, currency: intent.currency, providerRef: intent.id });
      }
      if (event.type === "payment_intent.payment_failed") {
        const intent = event.data.object;
        if (intent.metadata?.orderId) await markPaymentFailed(tx, intent.metadata.orderId, intent.last_payment_error?.code ?? "payment_failed");
        return "FAILED";
      }
      return `ignored: ${event.type}`;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return "duplicate";
    throw err;
  }
}
