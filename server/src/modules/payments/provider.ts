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

export interface RefundRequest {
  providerRef: string;
  amountCents: number;
  idempotencyKey: string;
}

export interface PaymentProvider {
  readonly name: "TEST" | "STRIPE";
  /** Creates (or, for the same order, returns again) the provider's payment for an order. */
  createPayment(order: PaymentOrder): Promise<CreatedPayment>;
  /**
   * An existing unpaid payment again, for the browser: its amount is first brought to
   * `amountCents` when that changed (a shop cancelled its part before payment).
   */
  resumePayment(input: { providerRef: string; amountCents: number }): Promise<{ clientSecret: string | null }>;
  /** Sets an unpaid payment's amount; fails when the payment can no longer change (it was paid). */
  updateAmount(input: { providerRef: string; amountCents: number }): Promise<void>;
  /** Cancels an unpaid payment, so that it can no longer be paid; fails when it was paid already. */
  cancelPayment(providerRef: string): Promise<void>;
  /** Refunds part of a payment; `idempotencyKey` makes a retried refund a no-op. */
  refund(input: RefundRequest): Promise<void>;
}

/**
 * The built-in provider: payments are confirmed by `payment.confirmTest` (which charges what the
 * order's payment row asks for), refunds always succeed. It remembers what it was asked, as a
 * real provider would hold it, so tests can check what the marketplace told it.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = "TEST" as const;
  readonly refunds: RefundRequest[] = [];
  readonly amountUpdates: { providerRef: string; amountCents: number }[] = [];
  readonly cancelled: string[] = [];

  async createPayment(order: PaymentOrder): Promise<CreatedPayment> {
    return { providerRef: `test_${order.orderId}`, clientSecret: null };
  }

  async resumePayment(): Promise<{ clientSecret: string | null }> {
    return { clientSecret: null };
  }

  async updateAmount(input: { providerRef: string; amountCents: number }): Promise<void> {
    this.amountUpdates.push(input);
  }

  async cancelPayment(providerRef: string): Promise<void> {
    this.cancelled.push(providerRef);
  }

  async refund(input: RefundRequest): Promise<void> {
    if (!this.refunds.some((r) => r.idempotencyKey === input.idempotencyKey)) this.refunds.push(input);
  }
}
