import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A stand-in for Stripe's API on 127.0.0.1, for tests: the real `stripe` SDK talks to it over HTTP
 * (StripePaymentProvider's host/port/protocol options). It speaks the part the marketplace uses —
 * `POST /v1/payment_intents`, `GET|POST /v1/payment_intents/:id` (read, change the amount),
 * `POST /v1/payment_intents/:id/cancel` and `POST /v1/refunds`, form-encoded as the SDK sends
 * them — refuses to change or cancel an intent that succeeded, as Stripe does, and keeps
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
    if (route !== "POST /v1/payment_intents" && route !== "POST /v1/refunds") {
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
    const [status, body] = path === "/v1/payment_intents" ? this.createIntent(params) : this.createRefund(params);
    if (key) this.byKey.set(`${path} ${key}`, { params, status, body });
    return record(status, body);
  }

  private createIntent(params: Record<string, string>): [number, unknown] {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1 || !params.currency) {
      return [400, { error: { type: "invalid_request_error", message: "Missing or invalid amount/currency" } }];
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) metadata[m[1]!] = v;
    }
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
