/**
 * What the marketplace needs from a payment provider. `test` plays the provider in-process;
 * `stripe` talks to Stripe. Both are idempotent by the keys they are given.
 */
export interface PaymentOrder {
  orderId: string;
  amountCents: number;
  currency: string;
}

export interface CreatedPayment {
  /** The provider's id for this payment (a PaymentIntent id for Stripe). */
  providerRef: string;
  /** Handed to the browser to complete the payment (Stripe Elements); null for the test provider. */
  clientSecret: string | null;
}

export interface PaymentProvider {
  readonly name: "TEST" | "STRIPE";
  /** Creates (or, for the same order, returns again) the provider's payment for an order. */
  createPayment(order: PaymentOrder): Promise<CreatedPayment>;
  /** Refunds part of a payment; `idempotencyKey` makes a retried refund a no-op. */
  refund(input: { providerRef: string; amountCents: number; idempotencyKey: string }): Promise<void>;
}

/** The built-in provider: payments are confirmed by `payment.confirmTest`, refunds always succeed. */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = "TEST" as const;
  readonly refunds: { providerRef: string; amountCents: number; idempotencyKey: string }[] = [];

  async createPayment(order: PaymentOrder): Promise<CreatedPayment> {
    return { providerRef: `test_${order.orderId}`, clientSecret: null };
  }

  async refund(input: { providerRef: string; amountCents: number; idempotencyKey: string }): Promise<void> {
    if (!this.refunds.some((r) => r.idempotencyKey === input.idempotencyKey)) this.refunds.push(input);
  }
}
