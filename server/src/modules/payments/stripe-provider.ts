import Stripe from "stripe";
import type { CreatedPayment, PaymentOrder, PaymentProvider, RefundRequest } from "./provider.ts";

export interface StripeOptions {
  secretKey: string;
  /** For tests: a local server that speaks Stripe's API. */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

/**
 * Stripe: one PaymentIntent per order, created with an idempotency key derived from the order so
 * that a retried checkout never charges twice; its amount follows the order's live parts while it
 * is unpaid; refunds keyed per seller order.
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

  async resumePayment(input: { providerRef: string; amountCents: number }): Promise<{ clientSecret: string | null }> {
    let intent = await this.stripe.paymentIntents.retrieve(input.providerRef);
    if (intent.amount !== input.amountCents && intent.status !== "succeeded" && intent.status !== "canceled") {
      intent = await this.stripe.paymentIntents.update(input.providerRef, { amount: input.amountCents });
    }
    return { clientSecret: intent.client_secret };
  }

  async updateAmount(input: { providerRef: string; amountCents: number }): Promise<void> {
    await this.stripe.paymentIntents.update(input.providerRef, { amount: input.amountCents });
  }

  async cancelPayment(providerRef: string): Promise<void> {
    await this.stripe.paymentIntents.cancel(providerRef);
  }

  async refund(input: RefundRequest): Promise<void> {
    await this.stripe.refunds.create({ payment_intent: input.providerRef, amount: input.amountCents }, { idempotencyKey: input.idempotencyKey });
  }
}
