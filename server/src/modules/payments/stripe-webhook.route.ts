import type { FastifyInstance } from "fastify";
import Stripe from "stripe";
import type { AppDeps } from "../../scope.ts";
import { handleStripeEvent } from "./payments.service.ts";

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
 * `POST /webhooks/stripe`: the signature is verified on the raw body with Stripe's SDK, and the
 * event handed to `payments.service` (handleStripeEvent), which decides what it means.
 */
export async function registerStripeWebhook(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const secret = deps.config.STRIPE_WEBHOOK_SECRET;
  // Connect events (connected accounts' `account.updated`, `payout.*`) may come from a second
  // endpoint configured in Stripe with its own secret: an event signed by either is accepted.
  const secrets = [secret, deps.config.STRIPE_CONNECT_WEBHOOK_SECRET].filter((s): s is string => Boolean(s));
  await app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    scope.post("/webhooks/stripe", { bodyLimit: 512 * 1024 }, async (req, reply) => {
      if (deps.payments.name !== "STRIPE" || !secret) return reply.code(404).send({ error: "Not Found", message: "Stripe is not configured" });
      const signature = req.headers["stripe-signature"];
      if (typeof signature !== "string" || !Buffer.isBuffer(req.body)) return reply.code(400).send({ error: "Bad Request", message: "Missing signature" });
      let event: Stripe.Event | null = null;
      for (const s of secrets) {
        try {
          event = Stripe.webhooks.constructEvent(req.body, signature, s, WEBHOOK_TOLERANCE_SECONDS);
          break;
        } catch {
          // Try the next secret; none matching is a 400 below.
        }
      }
      if (!event) return reply.code(400).send({ error: "Bad Request", message: "Invalid signature" });
      const at = signedAt(signature);
      if (at === null || at - Date.now() / 1000 > WEBHOOK_FUTURE_TOLERANCE_SECONDS) {
        return reply.code(400).send({ error: "Bad Request", message: "Invalid signature" });
      }
      const { outcome } = await handleStripeEvent({ db: deps.database.prisma, deps }, event);
      return reply.send({ received: true, outcome });
    });
  });
}
