import { createServer, type MarketplaceServer } from "../server.ts";
import { StripePaymentProvider } from "../modules/payments/stripe-provider.ts";
import { FakeStripe } from "./fake-stripe.ts";
import { createTestApp, type TestApp } from "./harness.ts";

export interface StripeTestApp {
  t: TestApp;
  fake: FakeStripe;
  /** Built on `t.deps` and ready (not listening): reach it with `server.app.inject`. */
  server: MarketplaceServer;
  /** Closes the server, the fake Stripe and the database, in that order. */
  close(): Promise<void>;
}

/**
 * A test app with PAYMENTS=stripe, offline: a started FakeStripe (fake-stripe.ts), the real
 * StripePaymentProvider talking to it, webhooks signed with `webhookSecret` (signPayload), and
 * `config` on top (fees, intervals). If a step fails, what it had started is closed again.
 */
export async function createStripeTestApp(opts: { webhookSecret: string; config?: Partial<Record<string, string>> }): Promise<StripeTestApp> {
  let t: TestApp | undefined;
  let fake: FakeStripe | undefined;
  let server: MarketplaceServer | undefined;
  const close = async () => {
    await server?.app.close();
    await fake?.close();
    await t?.close();
  };
  try {
    t = await createTestApp({
      config: { PAYMENTS: "stripe", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: opts.webhookSecret, STRIPE_PUBLISHABLE_KEY: "pk_test_x", ...opts.config },
    });
    fake = await new FakeStripe().start();
    t.deps = { ...t.deps, payments: new StripePaymentProvider({ secretKey: "sk_test_x", host: "127.0.0.1", port: fake.port, protocol: "http" }) };
    server = await createServer(t.deps);
    await server.app.ready();
    return { t, fake, server, close };
  } catch (err) {
    await close();
    throw err;
  }
}
