import { randomBytes } from "node:crypto";
import { ProviderRefusal, type ConnectProvider, type ConnectedAccountState, type ReversalRequest, type TransferRequest } from "./connect.ts";

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

export interface PaymentProvider extends ConnectProvider {
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

  // ---- Connect, played in-process (accounts enabled at once unless told otherwise) ----

  /** false: a new account waits for `enableAccount` (onboarding "on demand"), as a real one waits for its owner. */
  connectInstantly = true;
  /** While set, transfers (and reversals) are refused with this code, as Stripe refuses them. */
  failTransfers: string | null = null;
  failReversals: string | null = null;
  readonly accounts = new Map<string, ConnectedAccountState>();
  readonly transfers = new Map<string, TransferRequest & { transferRef: string }>();
  readonly reversals = new Map<string, ReversalRequest & { reversalRef: string }>();

  async createConnectedAccount(input: { shopId: string }): Promise<ConnectedAccountState> {
    const accountRef = `acct_test_${input.shopId.replace(/-/g, "").slice(-16)}`;
    const existing = this.accounts.get(accountRef);
    if (existing) return { ...existing };
    const state = this.connectInstantly ? enabledAccount(accountRef) : pendingAccount(accountRef);
    this.accounts.set(accountRef, state);
    return { ...state };
  }

  /** The test provider has no onboarding pages: the link leads straight back to the return URL. */
  async createAccountLink(input: { accountRef: string; returnUrl: string }): Promise<{ url: string }> {
    return { url: input.returnUrl };
  }

  /** An account this process never made (the server restarted) was made enabled: the database keeps its state. */
  async retrieveAccount(accountRef: string): Promise<ConnectedAccountState> {
    return { ...(this.accounts.get(accountRef) ?? enabledAccount(accountRef)) };
  }

  /** Onboarding completed, on demand (tests, the demo). */
  enableAccount(accountRef: string): ConnectedAccountState {
    const state = enabledAccount(accountRef);
    this.accounts.set(accountRef, state);
    return { ...state };
  }

  async createTransfer(input: TransferRequest): Promise<{ transferRef: string }> {
    const done = this.transfers.get(input.idempotencyKey);
    if (done) return { transferRef: done.transferRef };
    if (this.failTransfers) throw new ProviderRefusal(`The transfer was refused (${this.failTransfers})`, this.failTransfers);
    const transferRef = `tr_test_${randomBytes(8).toString("hex")}`;
    this.transfers.set(input.idempotencyKey, { ...input, transferRef });
    return { transferRef };
  }

  async reverseTransfer(input: ReversalRequest): Promise<{ reversalRef: string }> {
    const done = this.reversals.get(input.idempotencyKey);
    if (done) return { reversalRef: done.reversalRef };
    if (this.failReversals) throw new ProviderRefusal(`The reversal was refused (${this.failReversals})`, this.failReversals);
    const reversalRef = `trr_test_${randomBytes(8).toString("hex")}`;
    this.reversals.set(input.idempotencyKey, { ...input, reversalRef });
    return { reversalRef };
  }
}

function enabledAccount(accountRef: string): ConnectedAccountState {
  return { accountRef, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, requirements: [], disabledReason: null };
}

function pendingAccount(accountRef: string): ConnectedAccountState {
  return {
    accountRef,
    chargesEnabled: false,
    payoutsEnabled: false,
    detailsSubmitted: false,
    requirements: ["business_profile.url", "external_account", "individual.verification.document"],
    disabledReason: "requirements.past_due",
  };
}
