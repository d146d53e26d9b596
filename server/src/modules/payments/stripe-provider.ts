import Stripe from "stripe";
import type { CreatedPayment, PaymentOrder, PaymentProvider } from "./provider.ts";

export interface StripeOptions {
  secretKey: string;
  /** For tests: a local server that speaks Stripe's API. */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

/**
 * Stripe: one PaymentIntent per order, created with an idempotency key derived from the order so
 * that a retried checkout never charges twice; refunds likewise keyed per seller order.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = "STRIPE" as const;
  readonly stripe: Stripe;

  constructor(options: StripeOptions) {
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 2,
      timeout: 10_000,
      ...(options.host ? { host: options.host, port: options.port, protocol: options.protocol ?? "http" } : {}),
    });
  }

  async createPayment(order: PaymentOrder): Promise<CreatedPayment> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: order.amountCents,
        currency: order.currency.toLowerCase(),
        metadata: { orderId: order.orderId },
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey: `order-${order.orderId}` },
    );
    return { providerRef: intent.id, clientSecret: intent.client_secret };
  }

  async refund(input: { providerRef: string; amountCents: number; idempotencyKey: string }): Promise<void> {
    await this.stripe.refunds.create({ payment_intent: input.providerRef, amount: input.amountCents }, { idempotencyKey: input.idempotencyKey });
  }
}
