import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A stand-in for Stripe's API on 127.0.0.1, for tests: the real `stripe` SDK talks to it over HTTP
 * (StripePaymentProvider's host/port/protocol options). It speaks the part the marketplace uses —
 * `POST /v1/payment_intents`, `GET|POST /v1/payment_intents/:id` (read, change the amount),
 * `POST /v1/payment_intents/:id/cancel` and `POST /v1/refunds`, form-encoded as the SDK sends
 * them; and Connect: `POST /v1/accounts`, `GET /v1/accounts/:id`, `POST /v1/account_links`,
 * `POST /v1/transfers` (to an account whose payouts are enabled, from a known charge) and
 * `POST /v1/transfers/:id/reversals` — refuses to change or cancel an intent that succeeded, as Stripe does, and keeps
 * Stripe's idempotency contract: the same `Idempotency-Key` replays the first response (and with
 * other parameters is an `idempotency_error`).
 */
export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, string>;
  /** The response status this request got. */
  status: number;
}

export interface FakeIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  client_secret: string;
  metadata: Record<string, string>;
  status: string;
  /** The charge the intent made (fake: named at creation); what a transfer's `source_transaction` names. */
  latest_charge: string;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  payment_intent: string;
  status: "succeeded";
}

export interface FakeAccount {
  id: string;
  object: "account";
  type: "express";
  email: string | null;
  metadata: Record<string, string>;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  requirements: { currently_due: string[]; disabled_reason: string | null };
}

export interface FakeTransfer {
  id: string;
  object: "transfer";
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  transfer_group: string | null;
  source_transaction: string | null;
  metadata: Record<string, string>;
  reversals: { object: "list"; data: { id: string; object: "transfer_reversal"; amount: number; transfer: string }[] };
}

interface Stored {
  params: Record<string, string>;
  status: number;
  body: unknown;
}

const token = (n = 12) => randomBytes(n).toString("hex").slice(0, n * 2);

export class FakeStripe {
  /** Every request received, in order. */
  readonly requests: FakeStripeRequest[] = [];
  /** Intents created, by id. */
  readonly intents = new Map<string, FakeIntent>();
  readonly accounts = new Map<string, FakeAccount>();
  readonly transfers = new Map<string, FakeTransfer>();
  /** While set, transfers (reversals) are refused with this code (400, as Stripe refuses e.g. `balance_insufficient`). */
  refuseTransfers: string | null = null;
  refuseReversals: string | null = null;
  /** While set, transfers answer 500 without creating anything (an outage). */
  transfersDown = false;
  /** While set, `POST /v1/refunds` answers with this card error (402, not to be retried). */
  refuseRefunds: string | null = null;
  private readonly byKey = new Map<string, Stored>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => send(res, 500, { error: { type: "api_error", message: String(err) } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests to one API path (e.g. "/v1/refunds"). */
  calls(path: string): FakeStripeRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** The account's onboarding completed: charges and payouts enabled, nothing due. Returns it (for an `account.updated`). */
  completeOnboarding(accountId: string): FakeAccount {
    const a = this.accounts.get(accountId)!;
    Object.assign(a, { charges_enabled: true, payouts_enabled: true, details_submitted: true, requirements: { currently_due: [], disabled_reason: null } });
    return a;
  }

  /** The intent created for an order (by its metadata), if any. */
  intentFor(orderId: string): FakeIntent | undefined {
    return [...this.intents.values()].find((i) => i.metadata.orderId === orderId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const path = (req.url ?? "/").split("?")[0]!;
    const key = header(req, "idempotency-key");
    const record = (status: number, body: unknown) => {
      this.requests.push({ method: req.method ?? "GET", path, idempotencyKey: key, params, status });
      send(res, status, body);
    };
    if (!header(req, "authorization")?.startsWith("Bearer sk_test_")) {
      return record(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
    }
    const route = `${req.method} ${path}`;
    const existing = /^\/v1\/payment_intents\/(pi_\w+?)(\/cancel)?$/.exec(path);
    if (existing) return record(...this.onIntent(req.method ?? "GET", existing[1]!, Boolean(existing[2]), params));
    const account = /^\/v1\/accounts\/(acct_\w+)$/.exec(path);
    if (account && req.method === "GET") {
      const a = this.accounts.get(account[1]!);
      return record(...(a ? ([200, a] as [number, unknown]) : notFound("account", account[1]!)));
    }
    const reversal = /^\/v1\/transfers\/(tr_\w+)\/reversals$/.exec(path);
    const creates = ["POST /v1/payment_intents", "POST /v1/refunds", "POST /v1/accounts", "POST /v1/account_links", "POST /v1/transfers"];
    if (!creates.includes(route) && !(reversal && req.method === "POST")) {
      return record(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${route})` } });
    }
    if (key) {
      const seen = this.byKey.get(`${path} ${key}`);
      if (seen) {
        if (JSON.stringify(seen.params) !== JSON.stringify(params)) {
          return record(400, {
            error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." },
          });
        }
        return record(seen.status, seen.body);
      }
    }
    if (path === "/v1/transfers" && this.transfersDown) return record(500, { error: { type: "api_error", message: "An error occurred with our connection to Stripe." } });
    const [status, body] =
      path === "/v1/payment_intents"
        ? this.createIntent(params)
        : path === "/v1/refunds"
          ? this.createRefund(params)
          : path === "/v1/accounts"
            ? this.createAccount(params)
            : path === "/v1/account_links"
              ? this.createAccountLink(params)
              : reversal
                ? this.createReversal(reversal[1]!, params)
                : this.createTransfer(params);
    if (key) this.byKey.set(`${path} ${key}`, { params, status, body });
    return record(status, body);
  }

  private createIntent(params: Record<string, string>): [number, unknown] {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1 || !params.currency) {
      return [400, { error: { type: "invalid_request_error", message: "Missing or invalid amount/currency" } }];
    }
    const metadata = metadataOf(params);
    const id = `pi_${token()}`;
    const intent: FakeIntent = {
      id,
      object: "payment_intent",
      amount,
      amount_received: 0,
      currency: params.currency,
      client_secret: `${id}_secret_${token(10)}`,
      metadata,
      status: "requires_payment_method",
      latest_charge: `ch_${token()}`,
      livemode: false,
    };
    this.intents.set(id, intent);
    return [200, intent];
  }

  /** Reads, changes the amount of, or cancels an existing intent. */
  private onIntent(method: string, id: string, cancel: boolean, params: Record<string, string>): [number, unknown] {
    const intent = this.intents.get(id);
    if (!intent) return [404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such payment_intent: '${id}'` } }];
    if (method === "GET" && !cancel) return [200, intent];
    if (method !== "POST") return [404, { error: { type: "invalid_request_error", message: "Unrecognized request URL" } }];
    if (intent.status === "succeeded" || intent.status === "canceled") {
      const message = `This PaymentIntent's status is ${intent.status}, so it cannot be ${cancel ? "canceled" : "updated"}.`;
      return [400, { error: { type: "invalid_request_error", code: "payment_intent_unexpected_state", message } }];
    }
    if (cancel) intent.status = "canceled";
    else if (params.amount) intent.amount = Number(params.amount);
    return [200, intent];
  }

  private createAccount(params: Record<string, string>): [number, unknown] {
    const id = `acct_${token(8)}`;
    const account: FakeAccount = {
      id,
      object: "account",
      type: "express",
      email: params.email ?? null,
      metadata: metadataOf(params),
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: { currently_due: ["business_profile.url", "external_account", "individual.verification.document"], disabled_reason: "requirements.past_due" },
    };
    this.accounts.set(id, account);
    return [200, account];
  }

  private createAccountLink(params: Record<string, string>): [number, unknown] {
    if (!params.account || !this.accounts.has(params.account)) return notFound("account", params.account ?? "");
    if (!params.return_url || !params.refresh_url || params.type !== "account_onboarding") {
      return [400, { error: { type: "invalid_request_error", message: "Missing return_url, refresh_url or type" } }];
    }
    return [200, { object: "account_link", url: `https://connect.stripe.test/setup/e/${params.account}/${token(6)}`, expires_at: Math.floor(Date.now() / 1000) + 300 }];
  }

  private createTransfer(params: Record<string, string>): [number, unknown] {
    const destination = params.destination ? this.accounts.get(params.destination) : undefined;
    if (!destination) return notFound("destination", params.destination ?? "");
    if (!destination.payouts_enabled) {
      return [400, { error: { type: "invalid_request_error", code: "account_invalid", message: "The destination account needs to have the transfers capability enabled." } }];
    }
    const source = params.source_transaction;
    if (source && ![...this.intents.values()].some((i) => i.latest_charge === source)) return notFound("charge", source);
    if (this.refuseTransfers) return [400, { error: { type: "invalid_request_error", code: this.refuseTransfers, message: "The transfer was refused" } }];
    const transfer: FakeTransfer = {
      id: `tr_${token()}`,
      object: "transfer",
      amount: Number(params.amount),
      amount_reversed: 0,
      currency: params.currency ?? "usd",
      destination: destination.id,
      transfer_group: params.transfer_group ?? null,
      source_transaction: source ?? null,
      metadata: metadataOf(params),
      reversals: { object: "list", data: [] },
    };
    this.transfers.set(transfer.id, transfer);
    return [200, transfer];
  }

  private createReversal(transferId: string, params: Record<string, string>): [number, unknown] {
    const transfer = this.transfers.get(transferId);
    if (!transfer) return notFound("transfer", transferId);
    const amount = params.amount ? Number(params.amount) : transfer.amount - transfer.amount_reversed;
    if (this.refuseReversals) return [400, { error: { type: "invalid_request_error", code: this.refuseReversals, message: "The reversal was refused" } }];
    if (amount > transfer.amount - transfer.amount_reversed) return [400, { error: { type: "invalid_request_error", message: "Amount exceeds what can be reversed" } }];
    const reversal = { id: `trr_${token()}`, object: "transfer_reversal" as const, amount, transfer: transferId };
    transfer.amount_reversed += amount;
    transfer.reversals.data.push(reversal);
    return [200, reversal];
  }

  private createRefund(params: Record<string, string>): [number, unknown] {
    const intent = params.payment_intent ? this.intents.get(params.payment_intent) : undefined;
    if (!intent) return [404, { error: { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" } }];
    if (this.refuseRefunds) return [402, { error: { type: "card_error", code: this.refuseRefunds, message: "The refund was refused" } }];
    const refund: FakeRefund = {
      id: `re_${token()}`,
      object: "refund",
      amount: params.amount ? Number(params.amount) : intent.amount,
      currency: intent.currency,
      payment_intent: intent.id,
      status: "succeeded",
    };
    return [200, refund];
  }
}

function metadataOf(params: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) metadata[m[1]!] = v;
  }
  return metadata;
}

function notFound(what: string, id: string): [number, unknown] {
  return [404, { error: { type: "invalid_request_error", code: "resource_missing", message: `No such ${what}: '${id}'` } }];
}

/** A Stripe event of any type about `object` (optionally on a connected `account`). */
export function stripeEvent(type: string, object: unknown, opts: { id?: string; account?: string } = {}) {
  return {
    id: opts.id ?? `evt_${token()}`,
    object: "event",
    api_version: "2025-11-17.clover",
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    ...(opts.account ? { account: opts.account } : {}),
    data: { object },
  };
}

/** A dispute on an intent's charge, as `charge.dispute.*` carries it. */
export function fakeDispute(intent: Pick<FakeIntent, "id" | "amount" | "currency" | "latest_charge">, opts: { id?: string; status?: string; reason?: string } = {}) {
  return {
    id: opts.id ?? `dp_${token()}`,
    object: "dispute",
    amount: intent.amount,
    currency: intent.currency,
    charge: intent.latest_charge,
    payment_intent: intent.id,
    reason: opts.reason ?? "fraudulent",
    status: opts.status ?? "needs_response",
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "request-id": `req_${token(7)}`,
    ...(status === 402 || status === 400 ? { "stripe-should-retry": "false" } : {}),
  });
  res.end(text);
}

/** A Stripe event as Stripe would send it about an intent (`payment_intent.succeeded` by default). */
export function intentEvent(
  intent: Pick<FakeIntent, "id" | "amount" | "currency" | "metadata">,
  opts: { id?: string; type?: string; status?: string; lastPaymentError?: { code: string } } = {},
) {
  const type = opts.type ?? "payment_intent.succeeded";
  const succeeded = type === "payment_intent.succeeded";
  return {
    id: opts.id ?? `evt_${token()}`,
    object: "event",
    api_version: "2025-11-17.clover",
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        object: "payment_intent",
        ...intent,
        amount_received: succeeded ? intent.amount : 0,
        status: opts.status ?? (succeeded ? "succeeded" : "requires_payment_method"),
        last_payment_error: opts.lastPaymentError ?? null,
      },
    },
  };
}

/** The `Stripe-Signature` header Stripe would send for this payload (optionally signed at `timestamp`, in seconds). */
export function signPayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}
