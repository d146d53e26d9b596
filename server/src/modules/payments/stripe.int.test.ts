import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { usingPostgres } from "../../test/db.ts";
import { intentEvent, signPayload, type FakeIntent, type FakeStripe } from "../../test/fake-stripe.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import type { TestApp } from "../../test/harness.ts";
import { createStripeTestApp, type StripeTestApp } from "../../test/stripe-app.ts";
import { sweepExpiredOrders } from "../orders/sweeper.ts";
import { TestPaymentProvider } from "./provider.ts";
import type Stripe from "stripe";
import { ensurePayment, handleStripeEvent } from "./payments.service.ts";
import { WEBHOOK_FUTURE_TOLERANCE_SECONDS, WEBHOOK_TOLERANCE_SECONDS } from "./stripe-webhook.route.ts";

/**
 * PAYMENTS=stripe end to end, offline: the real `stripe` SDK talks to a fake Stripe API on
 * 127.0.0.1 (test/fake-stripe.ts), and webhooks are signed with the SDK's generateTestHeaderString.
 */
const WHSEC = "whsec_test_secret";

let stripe: StripeTestApp | undefined;
let t: TestApp;
let fake: FakeStripe;
let server: MarketplaceServer;
let categoryId: string;

beforeAll(async () => {
  stripe = await createStripeTestApp({ webhookSecret: WHSEC, config: { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0" } });
  ({ t, fake, server } = stripe);
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => stripe?.close());

const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
let keyN = 0;
const key = () => `stripe-key-${++keyN}-${Date.now()}`;
const db = () => t.database.prisma;

async function shopWithVariant(priceCents: number, stock = 50) {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db(), owner.id);
  const product = await makeProduct(db(), shop.id, categoryId, { variants: [{ priceCents, stock }] });
  return { owner, shop, variantId: product.variants[0]!.id };
}

async function buyer() {
  const u = await t.createUser();
  const s = await t.signIn(u.email);
  return { ...u, caller: s.caller };
}

/** A buyer's order over two shops (2 × 20.00 + 1 × 10.00 = 50.00 USD), placed with Stripe. */
async function placeTwoShopOrder() {
  const a = await shopWithVariant(2000);
  const b = await shopWithVariant(1000);
  const bea = await buyer();
  await bea.caller.cart.add({ variantId: a.variantId, quantity: 2 });
  await bea.caller.cart.add({ variantId: b.variantId, quantity: 1 });
  const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
  const intent = fake.intentFor(placed.orderId)!;
  return { a, b, bea, placed, intent };
}

function deliver(event: unknown, opts: { secret?: string; timestamp?: number; signature?: string | null; tamper?: (raw: string) => string } = {}) {
  const raw = JSON.stringify(event);
  const signature = opts.signature === undefined ? signPayload(raw, opts.secret ?? WHSEC, opts.timestamp) : opts.signature;
  return server.app.inject({
    method: "POST",
    url: "/webhooks/stripe",
    // What Stripe sends.
    headers: { "content-type": "application/json; charset=utf-8", "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)", ...(signature === null ? {} : { "stripe-signature": signature }) },
    payload: opts.tamper ? opts.tamper(raw) : raw,
  });
}

/** Everything a payment can change, to compare before and after. */
async function snapshot(orderId: string) {
  const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, paidAt: true, flaggedReason: true } });
  const sellerOrders = (await db().sellerOrder.findMany({ where: { orderId }, select: { status: true }, orderBy: { id: "asc" } })).map((s) => s.status);
  const payments = await db().payment.findMany({ where: { orderId }, select: { status: true, providerRef: true, failureReason: true } });
  const ledger = await db().ledgerEntry.count({ where: { sellerOrder: { orderId } } });
  return { order, sellerOrders, payments, ledger };
}

const refundsOf = (intent: FakeIntent) => fake.calls("/v1/refunds").filter((c) => c.params.payment_intent === intent.id);

/** The client secret the buyer's payment page gets for an unpaid order. */
async function ensurePaymentOf(orderId: string) {
  return (await ensurePayment({ db: db(), deps: t.deps }, orderId)).clientSecret;
}

const webhookRows = (eventId: string) => db().webhookEvent.count({ where: { provider: "STRIPE", eventId } });

describe("Stripe checkout: one PaymentIntent per order", () => {
  it("placeOrder creates an intent for the order's amount, currency and id, keyed order-<orderId>, and returns its client secret", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    expect(placed).toMatchObject({ status: "PENDING_PAYMENT", totalCents: 5000, currency: "USD", payment: { provider: "STRIPE", publishableKey: "pk_test_x" } });
    expect(intent).toMatchObject({ amount: 5000, currency: "usd", metadata: { orderId: placed.orderId } });
    expect(placed.payment.clientSecret).toBe(intent.client_secret);
    expect(placed.payment.clientSecret).toMatch(/^pi_\w+_secret_\w+$/);
    const calls = fake.calls("/v1/payment_intents").filter((c) => c.params["metadata[orderId]"] === placed.orderId);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ idempotencyKey: `order-${placed.orderId}`, params: { amount: "5000", currency: "usd", "automatic_payment_methods[enabled]": "true" } });
    const payment = await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } });
    expect(payment).toMatchObject({ provider: "STRIPE", providerRef: intent.id, status: "PENDING", amountCents: 5000 });
  });

  it("a retried placeOrder with the same key resumes the same intent: one intent created, read back on the retry", async () => {
    const a = await shopWithVariant(1234);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantId, quantity: 1 });
    const k = key();
    const first = await bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address });
    const again = await bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address });
    expect(again).toEqual(first);
    const intent = fake.intentFor(first.orderId)!;
    expect(fake.calls("/v1/payment_intents").filter((c) => c.idempotencyKey === `order-${first.orderId}`)).toHaveLength(1);
    expect(fake.calls(`/v1/payment_intents/${intent.id}`).map((c) => c.method)).toEqual(["GET"]);
    expect([...fake.intents.values()].filter((i) => i.metadata.orderId === first.orderId)).toHaveLength(1);
    expect(await db().payment.count({ where: { orderId: first.orderId } })).toBe(1);
    expect(await db().order.count({ where: { buyerId: bea.id } })).toBe(1);
  });

  it("over HTTP, the browser gets the client secret (and never the secret key)", async () => {
    const a = await shopWithVariant(999);
    const bea = await t.createUser();
    const { token } = await t.signIn(bea.email);
    await (await t.as(token)).cart.add({ variantId: a.variantId, quantity: 1 });
    const res = await server.app.inject({
      method: "POST",
      url: "/trpc/checkout.placeOrder",
      headers: { "content-type": "application/json", cookie: `session=${token}` },
      payload: JSON.stringify({ json: { idempotencyKey: key(), shippingAddress: address } }),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ result: { data: { json: { orderId: string; payment: { clientSecret: string } } } } }>().result.data.json;
    expect(body.payment.clientSecret).toBe(fake.intentFor(body.orderId)!.client_secret);
    expect(res.body).not.toContain("sk_test_x");
    expect(res.body).not.toContain(WHSEC);
  });

  it("SECURITY 25: the page's CSP lets Stripe's payment form load from Stripe, and nothing else from outside", async () => {
    const csp = (await server.app.inject("/healthz")).headers["content-security-policy"] as string;
    const directive = (name: string) => csp.split(";").map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
    expect(directive("script-src")).toBe("script-src 'self' https://js.stripe.com");
    expect(directive("frame-src")).toBe("frame-src https://js.stripe.com https://hooks.stripe.com");
    expect(directive("connect-src")).toBe("connect-src 'self' https://api.stripe.com");
  });
});

describe("SECURITY 17: Stripe webhook", () => {
  it("a bad signature is 400 and changes nothing (wrong secret, tampered body, garbage header)", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const before = await snapshot(placed.orderId);
    const event = intentEvent(intent);
    const wrongSecret = await deliver(event, { secret: "whsec_someone_else" });
    const tampered = await deliver(intentEvent(intent, { id: event.id }), { tamper: (raw) => raw.replace('"amount":5000', '"amount":5001') });
    const garbage = await deliver(event, { signature: "t=1,v1=deadbeef" });
    for (const res of [wrongSecret, tampered, garbage]) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: "Bad Request" });
    }
    expect(await snapshot(placed.orderId)).toEqual(before);
    expect(before.order.status).toBe("PENDING_PAYMENT");
    expect(await webhookRows(event.id)).toBe(0);
  });

  it("a missing signature is 400 and changes nothing", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const before = await snapshot(placed.orderId);
    const event = intentEvent(intent);
    expect((await deliver(event, { signature: null })).statusCode).toBe(400);
    expect((await deliver(event, { signature: "" })).statusCode).toBe(400);
    expect(await snapshot(placed.orderId)).toEqual(before);
    expect(await webhookRows(event.id)).toBe(0);
  });

  it(`an event signed longer ago than the tolerance (${WEBHOOK_TOLERANCE_SECONDS} s) is 400; within it, it is accepted`, async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const before = await snapshot(placed.orderId);
    const event = intentEvent(intent);
    const now = Math.floor(Date.now() / 1000);
    const stale = await deliver(event, { timestamp: now - WEBHOOK_TOLERANCE_SECONDS - 30 });
    expect(stale.statusCode).toBe(400);
    const replayedDayOld = await deliver(event, { timestamp: now - 24 * 3600 });
    expect(replayedDayOld.statusCode).toBe(400);
    expect(await snapshot(placed.orderId)).toEqual(before);
    expect(await webhookRows(event.id)).toBe(0);
    const fresh = await deliver(event, { timestamp: now - 60 });
    expect(fresh.statusCode).toBe(200);
    expect((await snapshot(placed.orderId)).order.status).toBe("PAID");
  });

  it(`an event signed more than ${WEBHOOK_FUTURE_TOLERANCE_SECONDS} s in the future is 400; a few seconds of clock skew is accepted`, async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const before = await snapshot(placed.orderId);
    const event = intentEvent(intent);
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [WEBHOOK_FUTURE_TOLERANCE_SECONDS + 30, 3600, 365 * 24 * 3600]) {
      expect((await deliver(event, { timestamp: now + ahead })).statusCode).toBe(400);
    }
    expect(await snapshot(placed.orderId)).toEqual(before);
    expect(await webhookRows(event.id)).toBe(0);
    const skewed = await deliver(event, { timestamp: now + 10 });
    expect(skewed.statusCode).toBe(200);
    expect((await snapshot(placed.orderId)).order.status).toBe("PAID");
  });

  it("a valid payment_intent.succeeded pays the order: order and seller orders PAID, payment SUCCEEDED, ledgers booked, sellers told", async () => {
    const { a, b, placed, intent } = await placeTwoShopOrder();
    const event = intentEvent(intent);
    t.sink.events.length = 0;
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, outcome: "PAID" });
    const after = await snapshot(placed.orderId);
    expect(after.order).toMatchObject({ status: "PAID", flaggedReason: null });
    expect(after.order.paidAt).toBeInstanceOf(Date);
    expect(after.sellerOrders).toEqual(["PAID", "PAID"]);
    expect(after.payments).toEqual([{ status: "SUCCEEDED", providerRef: intent.id, failureReason: null }]);
    const ledger = await db().ledgerEntry.findMany({ where: { sellerOrder: { orderId: placed.orderId } }, select: { shopId: true, kind: true, amountCents: true } });
    expect(ledger).toHaveLength(4);
    expect(ledger).toEqual(
      expect.arrayContaining([
        { shopId: a.shop.id, kind: "SALE", amountCents: 4000 },
        { shopId: a.shop.id, kind: "COMMISSION", amountCents: -400 },
        { shopId: b.shop.id, kind: "SALE", amountCents: 1000 },
        { shopId: b.shop.id, kind: "COMMISSION", amountCents: -100 },
      ]),
    );
    expect(await webhookRows(event.id)).toBe(1);
    const created = t.sink.events.filter((e) => e.name === "order.created");
    // New orders carry totals: they go to the members who may see money (shop teams).
    expect(created.map((e) => e.rooms[0]).sort()).toEqual([`shop-money:${a.shop.id}`, `shop-money:${b.shop.id}`].sort());
  });

  it("the same event id delivered twice in sequence changes the state once", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const event = intentEvent(intent);
    const first = await deliver(event);
    const afterFirst = await snapshot(placed.orderId);
    const second = await deliver(event);
    expect(first.json()).toMatchObject({ outcome: "PAID" });
    expect(second.statusCode).toBe(200); // acknowledged, so Stripe stops redelivering
    expect(second.json()).toMatchObject({ outcome: "duplicate" });
    expect(await snapshot(placed.orderId)).toEqual(afterFirst);
    expect(afterFirst.ledger).toBe(4);
    expect(await webhookRows(event.id)).toBe(1);
  });

  it("the decisions are payments.service's: a verified event handed to it without HTTP pays the order, and again is a duplicate", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const event = intentEvent(intent) as unknown as Stripe.Event;
    const scope = { db: db(), deps: t.deps };
    expect(await handleStripeEvent(scope, event)).toEqual({ outcome: "PAID" });
    const paid = await snapshot(placed.orderId);
    expect(paid.order.status).toBe("PAID");
    expect(await handleStripeEvent(scope, event)).toEqual({ outcome: "duplicate" });
    expect(await snapshot(placed.orderId)).toEqual(paid);
  });

  it(`the same event id delivered 10 times concurrently changes the state once${usingPostgres ? "" : " (serialized on PGlite)"}`, async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const event = intentEvent(intent);
    const raw = JSON.stringify(event);
    const signature = signPayload(raw, WHSEC);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(event, { signature })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const outcomes = results.map((r) => r.json<{ outcome: string }>().outcome).sort();
    expect(outcomes).toEqual(["PAID", ...Array(9).fill("duplicate")].sort());
    const after = await snapshot(placed.orderId);
    expect(after.order.status).toBe("PAID");
    expect(after.sellerOrders).toEqual(["PAID", "PAID"]);
    expect(after.ledger).toBe(4);
    expect(await webhookRows(event.id)).toBe(1);
    expect(await db().activity.count({ where: { kind: "order.paid", subjectId: placed.orderId } })).toBe(1);
  });

  it("distinct events for the same intent at once (e.g. a resent succeeded event) still pay once", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(intentEvent(intent))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(5).fill(200));
    expect(results.map((r) => r.json<{ outcome: string }>().outcome).sort()).toEqual(["ALREADY_PAID", "ALREADY_PAID", "ALREADY_PAID", "ALREADY_PAID", "PAID"]);
    const after = await snapshot(placed.orderId);
    expect(after.order.status).toBe("PAID");
    expect(after.ledger).toBe(4);
  });

  describe("an event that does not match the order flags it and does not fulfil it", () => {
    async function expectFlagged(orderId: string, res: Awaited<ReturnType<typeof deliver>>, reason: RegExp) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ outcome: "FLAGGED" });
      const after = await snapshot(orderId);
      expect(after.order.status).toBe("PENDING_PAYMENT");
      expect(after.order.flaggedReason).toMatch(reason);
      expect(after.order.paidAt).toBeNull();
      expect(after.sellerOrders).toEqual(["PENDING_PAYMENT", "PENDING_PAYMENT"]);
      expect(after.payments.map((p) => p.status)).toEqual(["PENDING"]);
      expect(after.ledger).toBe(0);
    }

    it("amount", async () => {
      const { placed, intent } = await placeTwoShopOrder();
      await expectFlagged(placed.orderId, await deliver(intentEvent({ ...intent, amount: 4999 })), /4999 USD does not match the 5000 USD due/);
    });

    it("amount above the order's total", async () => {
      const { placed, intent } = await placeTwoShopOrder();
      await expectFlagged(placed.orderId, await deliver(intentEvent({ ...intent, amount: 5001 })), /5001 USD does not match the 5000 USD due/);
    });

    it("currency", async () => {
      const { placed, intent } = await placeTwoShopOrder();
      await expectFlagged(placed.orderId, await deliver(intentEvent({ ...intent, currency: "eur" })), /5000 EUR does not match/);
    });

    it("order: another order's intent naming this order", async () => {
      const mine = await placeTwoShopOrder();
      const other = await placeTwoShopOrder(); // same amount and currency, paid instead of mine
      const res = await deliver(intentEvent({ ...other.intent, metadata: { orderId: mine.placed.orderId } }));
      await expectFlagged(mine.placed.orderId, res, new RegExp(`payment ${other.intent.id} is not this order's payment`));
      expect((await snapshot(other.placed.orderId)).order).toMatchObject({ status: "PENDING_PAYMENT", flaggedReason: null });
    });

    it("order: an intent with no or an unknown order id changes nothing", async () => {
      const { placed, intent } = await placeTwoShopOrder();
      const before = await snapshot(placed.orderId);
      const none = await deliver(intentEvent({ ...intent, metadata: {} }));
      const unknown = await deliver(intentEvent({ ...intent, metadata: { orderId: "no-such-order" } }));
      expect([none.statusCode, unknown.statusCode]).toEqual([200, 200]);
      expect(await snapshot(placed.orderId)).toEqual(before);
    });
  });

  it("SECURITY 30: a payment for an order the sweeper already cancelled is refunded in full at once, not fulfilled", async () => {
    const { placed, intent, a } = await placeTwoShopOrder();
    await db().order.update({ where: { id: placed.orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // The buyer's card went through at Stripe just as the hold expired: the sweeper's cancel of the intent fails.
    fake.intents.get(intent.id)!.status = "succeeded";
    expect(await sweepExpiredOrders({ db: db(), deps: t.deps })).toBeGreaterThanOrEqual(1);
    expect(fake.calls(`/v1/payment_intents/${intent.id}/cancel`)).toEqual([expect.objectContaining({ status: 400 })]);
    const stock = (await db().variant.findUniqueOrThrow({ where: { id: a.variantId } })).stock;
    const res = await deliver(intentEvent(intent));
    expect(res.json()).toMatchObject({ outcome: "REFUNDED" });
    const after = await snapshot(placed.orderId);
    expect(after.order).toMatchObject({ status: "CANCELLED", paidAt: null });
    expect(after.ledger).toBe(0);
    expect(await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } })).toMatchObject({ status: "REFUNDED", amountCents: 5000, refundedCents: 5000 });
    expect(refundsOf(intent)).toEqual([expect.objectContaining({ idempotencyKey: `refund-${placed.orderId}-cancelled-order`, params: { payment_intent: intent.id, amount: "5000" }, status: 200 })]);
    expect((await db().variant.findUniqueOrThrow({ where: { id: a.variantId } })).stock).toBe(stock);
    // Stripe redelivers the same success as a new event: nothing is refunded twice.
    expect((await deliver(intentEvent(intent))).json()).toMatchObject({ outcome: "ALREADY_PAID" });
    expect(refundsOf(intent)).toHaveLength(1);
  });

  it("SECURITY 30: a whole unpaid order cancelled by the buyer cancels its intent at Stripe, so it can no longer be paid", async () => {
    const { placed, intent, bea } = await placeTwoShopOrder();
    await bea.caller.order.cancel({ id: placed.orderId });
    expect(fake.calls(`/v1/payment_intents/${intent.id}/cancel`)).toEqual([expect.objectContaining({ method: "POST", status: 200 })]);
    expect(fake.intents.get(intent.id)!.status).toBe("canceled");
    expect(await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } })).toMatchObject({ status: "CANCELLED" });
  });

  describe("SECURITY 29: a shop's part cancelled before payment is neither charged nor booked", () => {
    async function cancelShopB() {
      const o = await placeTwoShopOrder();
      const soB = await db().sellerOrder.findFirstOrThrow({ where: { orderId: o.placed.orderId, shopId: o.b.shop.id } });
      await (await t.signIn(o.b.owner.email)).caller.sellerOrder.cancel({ id: soB.id });
      return { ...o, soB };
    }
    const ledgerOf = (orderId: string) =>
      db().ledgerEntry.findMany({ where: { sellerOrder: { orderId } }, select: { shopId: true, kind: true, amountCents: true }, orderBy: { kind: "asc" } });

    it("the intent's amount drops to the live part at Stripe; paying it books only that shop", async () => {
      const { a, placed, intent, soB } = await cancelShopB();
      expect(fake.calls(`/v1/payment_intents/${intent.id}`)).toEqual([expect.objectContaining({ method: "POST", params: { amount: "4000" }, status: 200 })]);
      expect(fake.intents.get(intent.id)!.amount).toBe(4000);
      expect(await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } })).toMatchObject({ status: "PENDING", amountCents: 4000 });
      // The buyer's payment page, opened again, gets the same intent for the new amount.
      expect(await ensurePaymentOf(placed.orderId)).toBe(intent.client_secret);
      const res = await deliver(intentEvent(fake.intents.get(intent.id)!));
      expect(res.json()).toMatchObject({ outcome: "PAID" });
      const after = await snapshot(placed.orderId);
      expect(after.order.status).toBe("PAID");
      expect((await db().sellerOrder.findUniqueOrThrow({ where: { id: soB.id } })).status).toBe("CANCELLED");
      expect(await ledgerOf(placed.orderId)).toEqual([
        { shopId: a.shop.id, kind: "SALE", amountCents: 4000 },
        { shopId: a.shop.id, kind: "COMMISSION", amountCents: -400 },
      ]);
      expect(refundsOf(intent)).toEqual([]);
      expect(await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } })).toMatchObject({ status: "SUCCEEDED", amountCents: 4000, refundedCents: 0 });
    });

    it("if the buyer had already paid the old amount, the cancelled part is refunded at once and still not booked", async () => {
      const o = await placeTwoShopOrder();
      fake.intents.get(o.intent.id)!.status = "succeeded"; // paid at Stripe; the webhook is on its way
      const soB = await db().sellerOrder.findFirstOrThrow({ where: { orderId: o.placed.orderId, shopId: o.b.shop.id } });
      await (await t.signIn(o.b.owner.email)).caller.sellerOrder.cancel({ id: soB.id });
      expect(fake.calls(`/v1/payment_intents/${o.intent.id}`)).toEqual([expect.objectContaining({ method: "POST", status: 400 })]);
      const res = await deliver(intentEvent(o.intent)); // 5000 charged
      expect(res.json()).toMatchObject({ outcome: "PAID" });
      expect(await ledgerOf(o.placed.orderId)).toEqual([
        { shopId: o.a.shop.id, kind: "SALE", amountCents: 4000 },
        { shopId: o.a.shop.id, kind: "COMMISSION", amountCents: -400 },
      ]);
      expect(refundsOf(o.intent)).toEqual([
        expect.objectContaining({ idempotencyKey: `refund-${o.placed.orderId}-cancelled-parts`, params: { payment_intent: o.intent.id, amount: "1000" }, status: 200 }),
      ]);
      expect(await db().payment.findFirstOrThrow({ where: { orderId: o.placed.orderId } })).toMatchObject({ status: "SUCCEEDED", amountCents: 5000, refundedCents: 1000 });
      // Later the live part is cancelled too: the payment is then wholly refunded, once.
      const soA = await db().sellerOrder.findFirstOrThrow({ where: { orderId: o.placed.orderId, shopId: o.a.shop.id } });
      await o.bea.caller.order.cancel({ id: o.placed.orderId, sellerOrderId: soA.id });
      expect(await db().payment.findFirstOrThrow({ where: { orderId: o.placed.orderId } })).toMatchObject({ status: "REFUNDED", refundedCents: 5000 });
      expect(refundsOf(o.intent).map((c) => c.params.amount)).toEqual(["1000", "4000"]);
    });
  });

  it("payment_intent.payment_failed marks the payment FAILED; the order stays payable and a later success pays it", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const failed = await deliver(intentEvent(intent, { type: "payment_intent.payment_failed", lastPaymentError: { code: "card_declined" } }));
    expect(failed.json()).toMatchObject({ outcome: "FAILED" });
    let s = await snapshot(placed.orderId);
    expect(s.order.status).toBe("PENDING_PAYMENT");
    expect(s.payments).toEqual([{ status: "FAILED", providerRef: intent.id, failureReason: "card_declined" }]);
    expect((await deliver(intentEvent(intent))).json()).toMatchObject({ outcome: "PAID" });
    s = await snapshot(placed.orderId);
    expect(s.order.status).toBe("PAID");
    expect(s.payments).toEqual([{ status: "SUCCEEDED", providerRef: intent.id, failureReason: null }]);
  });

  it("other event types are acknowledged and recorded without changing anything", async () => {
    const { placed, intent } = await placeTwoShopOrder();
    const before = await snapshot(placed.orderId);
    const event = intentEvent(intent, { type: "payment_intent.created" });
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ outcome: "ignored: payment_intent.created" });
    expect(await snapshot(placed.orderId)).toEqual(before);
    expect(await webhookRows(event.id)).toBe(1);
  });

  it("is 404 when the server does not use Stripe (no way to mark orders paid with PAYMENTS=test)", async () => {
    const { intent } = await placeTwoShopOrder();
    const testServer = await createServer({ ...t.deps, payments: new TestPaymentProvider(), config: loadConfig({ NODE_ENV: "test", SWEEP_INTERVAL_SECONDS: "0" }) });
    try {
      const raw = JSON.stringify(intentEvent(intent));
      const res = await testServer.app.inject({
        method: "POST",
        url: "/webhooks/stripe",
        headers: { "content-type": "application/json", "stripe-signature": signPayload(raw, WHSEC) },
        payload: raw,
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await testServer.app.close();
    }
  });
});

describe("refunds through the Stripe SDK", () => {
  async function paidOrder() {
    const o = await placeTwoShopOrder();
    expect((await deliver(intentEvent(o.intent))).json()).toMatchObject({ outcome: "PAID" });
    const soA = await db().sellerOrder.findFirstOrThrow({ where: { orderId: o.placed.orderId, shopId: o.a.shop.id } });
    const soB = await db().sellerOrder.findFirstOrThrow({ where: { orderId: o.placed.orderId, shopId: o.b.shop.id } });
    return { ...o, soA, soB };
  }
  const refundCalls = (intent: FakeIntent) => fake.calls("/v1/refunds").filter((c) => c.params.payment_intent === intent.id);

  it("cancelling a paid seller order refunds its subtotal once, keyed refund-<sellerOrderId>; the other shop's part later, then the payment is REFUNDED", async () => {
    const { bea, b, intent, placed, soA, soB } = await paidOrder();
    await bea.caller.order.cancel({ id: placed.orderId, sellerOrderId: soA.id });
    expect(refundCalls(intent)).toEqual([
      expect.objectContaining({ method: "POST", idempotencyKey: `refund-${soA.id}`, params: { payment_intent: intent.id, amount: String(soA.subtotalCents) }, status: 200 }),
    ]);
    expect(soA.subtotalCents).toBe(4000);
    await expect(bea.caller.order.cancel({ id: placed.orderId, sellerOrderId: soA.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(refundCalls(intent)).toHaveLength(1);
    let payment = await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } });
    expect(payment).toMatchObject({ status: "SUCCEEDED", refundedCents: 4000, failureReason: null });

    await (await t.signIn(b.owner.email)).caller.sellerOrder.cancel({ id: soB.id });
    expect(refundCalls(intent).map((c) => [c.idempotencyKey, c.params.amount])).toEqual([
      [`refund-${soA.id}`, "4000"],
      [`refund-${soB.id}`, "1000"],
    ]);
    payment = await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } });
    expect(payment).toMatchObject({ status: "REFUNDED", refundedCents: 5000 });
    expect((await snapshot(placed.orderId)).order.status).toBe("REFUNDED");
  });

  it("a refund Stripe refuses is recorded on the payment for follow-up; the cancellation stands", async () => {
    const { bea, intent, placed, soA } = await paidOrder();
    fake.refuseRefunds = "charge_disputed";
    try {
      const after = await bea.caller.order.cancel({ id: placed.orderId, sellerOrderId: soA.id });
      expect(after.sellerOrders.find((s) => s.id === soA.id)?.status).toBe("REFUNDED");
    } finally {
      fake.refuseRefunds = null;
    }
    expect(refundCalls(intent)).toEqual([expect.objectContaining({ idempotencyKey: `refund-${soA.id}`, status: 402 })]);
    const payment = await db().payment.findFirstOrThrow({ where: { orderId: placed.orderId } });
    expect(payment.failureReason).toMatch(/^refund of 4000 failed: /);
  });
});

describe.skipIf(!usingPostgres)("Stripe on PostgreSQL, concurrently (skipped on PGlite: one connection)", () => {
  it("the same checkout key sent 10 times at once makes one order and one intent", async () => {
    const a = await shopWithVariant(700);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantId, quantity: 1 });
    const k = key();
    const results = await Promise.all(Array.from({ length: 10 }, () => bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address })));
    expect(new Set(results.map((r) => r.orderId)).size).toBe(1);
    expect(new Set(results.map((r) => r.payment.clientSecret)).size).toBe(1);
    expect([...fake.intents.values()].filter((i) => i.metadata.orderId === results[0]!.orderId)).toHaveLength(1);
    expect(fake.calls("/v1/payment_intents").filter((c) => c.idempotencyKey === `order-${results[0]!.orderId}`).every((c) => c.status === 200)).toBe(true);
  });
});
