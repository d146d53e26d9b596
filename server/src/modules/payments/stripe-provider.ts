import Stripe from "stripe";
import { ProviderRefusal, type ConnectedAccountState, type ReversalRequest, type TransferRequest } from "./connect.ts";
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

  // ---- Connect: Express accounts, separate charges and transfers ----

  async createConnectedAccount(input: { shopId: string; email: string; idempotencyKey: string }): Promise<ConnectedAccountState> {
    const account = await refusals(() =>
      this.stripe.accounts.create(
        { type: "express", email: input.email, metadata: { shopId: input.shopId }, capabilities: { transfers: { requested: true } } },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return accountState(account);
  }

  async createAccountLink(input: { accountRef: string; returnUrl: string; refreshUrl: string }): Promise<{ url: string }> {
    const link = await refusals(() =>
      this.stripe.accountLinks.create({ account: input.accountRef, return_url: input.returnUrl, refresh_url: input.refreshUrl, type: "account_onboarding" }),
    );
    return { url: link.url };
  }

  async retrieveAccount(accountRef: string): Promise<ConnectedAccountState> {
    return accountState(await refusals(() => this.stripe.accounts.retrieve(accountRef)));
  }

  /** Funded by the order's charge (`source_transaction`), so it can be made before that charge's funds are available. */
  async createTransfer(input: TransferRequest): Promise<{ transferRef: string }> {
    const charge = input.sourceRef?.startsWith("pi_") ? await this.chargeOf(input.sourceRef) : input.sourceRef;
    const transfer = await refusals(() =>
      this.stripe.transfers.create(
        {
          amount: input.amountCents,
          currency: input.currency.toLowerCase(),
          destination: input.accountRef,
          transfer_group: input.transferGroup,
          metadata: input.metadata,
          ...(charge ? { source_transaction: charge } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { transferRef: transfer.id };
  }

  async reverseTransfer(input: ReversalRequest): Promise<{ reversalRef: string }> {
    const reversal = await refusals(() =>
      this.stripe.transfers.createReversal(input.transferRef, { amount: input.amountCents, metadata: input.metadata }, { idempotencyKey: input.idempotencyKey }),
    );
    return { reversalRef: reversal.id };
  }

  private async chargeOf(paymentIntentId: string): Promise<string | null> {
    const intent = await refusals(() => this.stripe.paymentIntents.retrieve(paymentIntentId));
    const charge = intent.latest_charge;
    return typeof charge === "string" ? charge : (charge?.id ?? null);
  }
}

function accountState(account: Stripe.Account): ConnectedAccountState {
  return {
    accountRef: account.id,
    chargesEnabled: account.charges_enabled ?? false,
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    requirements: account.requirements?.currently_due ?? [],
    disabledReason: account.requirements?.disabled_reason ?? null,
  };
}

/** Stripe's definitive answers (4xx but an idempotency clash) become ProviderRefusal; the rest stays retryable. */
async function refusals<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError && !(err instanceof Stripe.errors.StripeIdempotencyError)) {
      const status = err.statusCode ?? 0;
      if (status >= 400 && status < 500 && status !== 409 && status !== 429) throw new ProviderRefusal(err.message, err.code ?? null);
    }
    throw err;
  }
}
