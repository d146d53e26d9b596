/**
 * What the marketplace needs from a payment provider to pay sellers (Stripe Connect, separate
 * charges and transfers): an Express account per shop and its onboarding link, the account's
 * state, transfers funded by an order's charge, and their reversals. Every write is idempotent by
 * the key it is given.
 */
export interface ConnectedAccountState {
  accountRef: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** What the provider still needs before it pays out (`requirements.currently_due`). */
  requirements: string[];
  disabledReason: string | null;
}

export interface TransferRequest {
  amountCents: number;
  currency: string;
  accountRef: string;
  /** The order's payment (a PaymentIntent id for Stripe): the charge the transfer is funded from. */
  sourceRef: string | null;
  transferGroup: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export interface ReversalRequest {
  transferRef: string;
  amountCents: number;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export interface ConnectProvider {
  /** The shop's connected account, created once per shop (the key is `account-<shopId>`). */
  createConnectedAccount(input: { shopId: string; email: string; idempotencyKey: string }): Promise<ConnectedAccountState>;
  /** A one-time onboarding link; the seller comes back to `returnUrl` (or `refreshUrl` when it expired). */
  createAccountLink(input: { accountRef: string; returnUrl: string; refreshUrl: string }): Promise<{ url: string }>;
  retrieveAccount(accountRef: string): Promise<ConnectedAccountState>;
  createTransfer(input: TransferRequest): Promise<{ transferRef: string }>;
  reverseTransfer(input: ReversalRequest): Promise<{ reversalRef: string }>;
}

/**
 * The provider said no for good (a 4xx other than an idempotency clash: no such account, payouts
 * not enabled, insufficient funds): retrying the same request cannot succeed. Any other error
 * (network, 5xx, rate limit) leaves the request to be retried with the same idempotency key.
 */
export class ProviderRefusal extends Error {
  override name = "ProviderRefusal";
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}
