import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.ts";
import type { MarketplaceServer } from "../../server.ts";
import { usingPostgres } from "../../test/db.ts";
import { fakeDispute, intentEvent, signPayload, stripeEvent, type FakeStripe } from "../../test/fake-stripe.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import type { TestApp } from "../../test/harness.ts";
import { createStripeTestApp, type StripeTestApp } from "../../test/stripe-app.ts";
import { payoutChecks } from "./payout-checks.ts";
import { runPayoutRound } from "./payout-worker.ts";
import type { PayoutDeps } from "./payout-deps.ts";

/**
 * Payouts end to end against the fake Stripe (the real SDK over HTTP): Express onboarding,
 * transfers after delivery and the hold, reversals after refunds, disputes, and no double
 * transfer under retries, racing workers or a crash between Stripe's answer and the commit.
 */
const WHSEC = "whsec_payouts_secret";
const HOLD_DAYS = 7;
const DAY = 86_400_000;

let stripe: StripeTestApp | undefined;
let t: TestApp;
let fake: FakeStripe;
let server: MarketplaceServer;
let categoryId: string;

beforeAll(async () => {
  stripe = await createStripeTestApp({
    webhookSecret: WHSEC,
    config: {
      PLATFORM_FEE_BPS: "1000",
      SWEEP_INTERVAL_SECONDS: "0",
      PAYOUT_INTERVAL_SECONDS: "0",
      MAIL_POLL_SECONDS: "0",
      PAYOUT_HOLD_DAYS: String(HOLD_DAYS),
    },
  });
  ({ t, fake, server } = stripe);
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => stripe?.close());

const db = () => t.database.prisma;
const ctx = (): PayoutDeps => ({ db: db(), deps: t.deps });
const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
let n = 0;

function deliverEvent(event: unknown, secret = WHSEC) {
  const raw = JSON.stringify(event);
  return server.app.inject({ method: "POST", url: "/webhooks/stripe", headers: { "content-type": "application/json", "stripe-signature": signPayload(raw, secret) }, payload: raw });
}

/** A seller with an active shop selling one 20.00 variant, signed in. */
async function seller() {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db(), owner.id);
  const product = await makeProduct(db(), shop.id, categoryId, { variants: [{ priceCents: 2000, stock: 100 }] });
  const { caller } = await t.signIn(owner.email);
  return { owner, shop, caller, variantId: product.variants[0]!.id };
}

/** Connects the shop (onboarding completed at Stripe, told by `account.updated`). */
async function connect(s: Awaited<ReturnType<typeof seller>>) {
  await s.caller.payout.connect();
  const row = await db().payoutAccount.findUniqueOrThrow({ where: { shopId: s.shop.id } });
  const res = await deliverEvent(stripeEvent("account.updated", fake.completeOnboarding(row.accountRef), { account: row.accountRef }));
  expect(res.json()).toMatchObject({ outcome: "ACCOUNT_UPDATED" });
  return row.accountRef;
}

/** A buyer orders `quantity` × 20.00 from the shop and pays (Stripe's webhook); the seller order is then DELIVERED at `deliveredAt`. */
async function deliveredOrder(s: Awaited<ReturnType<typeof seller>>, opts: { quantity?: number; deliveredAt?: Date } = {}) {
  const buyer = await t.createUser();
  const { caller } = await t.signIn(buyer.email);
  await caller.cart.add({ variantId: s.variantId, quantity: opts.quantity ?? 1 });
  const placed = await caller.checkout.placeOrder({ idempotencyKey: `k-${++n}-${Date.now()}`, shippingAddress: address });
  const intent = fake.intentFor(placed.orderId)!;
  intent.status = "succeeded";
  expect((await deliverEvent(intentEvent(intent))).json()).toMatchObject({ outcome: "PAID" });
  const so = await db().sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId } });
  await db().sellerOrder.update({ where: { id: so.id }, data: { status: "DELIVERED", deliveredAt: opts.deliveredAt ?? new Date(Date.now() - 10 * DAY) } });
  return { orderId: placed.orderId, sellerOrderId: so.id, intent, netCents: so.subtotalCents - so.commissionCents, buyer };
}

const transfersTo = (accountRef: string) => [...fake.transfers.values()].filter((tr) => tr.destination === accountRef);
const ledger = (sellerOrderId: string, kind: "PAYOUT" | "PAYOUT_REVERSAL") => db().ledgerEntry.findMany({ where: { sellerOrderId, kind } });

async function expectChecksPass() {
  for (const c of payoutChecks) {
    const result = await db().$transaction((tx) => c.run(tx));
    expect({ name: c.name, offending: result.offending }).toEqual({ name: c.name, offending: [] });
  }
}

describe("onboarding", () => {
  it("connect creates one Express account per shop and an account link; account.updated enables it; the seller sees what is still due", async () => {
    const s = await seller();
    const { url } = await s.caller.payout.connect();
    expect(url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/e\/acct_/);
    const created = fake.calls("/v1/accounts").filter((c) => c.params["metadata[shopId]"] === s.shop.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ idempotencyKey: `account-${s.shop.id}`, params: { type: "express", "capabilities[transfers][requested]": "true" } });
    const link = fake.calls("/v1/account_links").at(-1)!;
    expect(link.params).toMatchObject({ type: "account_onboarding", return_url: "http://127.0.0.1:3000/seller/payouts?onboarding=return", refresh_url: "http://127.0.0.1:3000/seller/payouts?onboarding=refresh" });
    expect(await s.caller.payout.account()).toMatchObject({ connected: true, payoutsEnabled: false, requirements: ["business_profile.url", "external_account", "individual.verification.document"] });

    // Connecting again reuses the account (a new link only).
    await s.caller.payout.connect();
    expect(fake.calls("/v1/accounts").filter((c) => c.params["metadata[shopId]"] === s.shop.id && c.status === 200)).toHaveLength(1);

    const row = await db().payoutAccount.findUniqueOrThrow({ where: { shopId: s.shop.id } });
    const event = stripeEvent("account.updated", fake.completeOnboarding(row.accountRef), { account: row.accountRef });
    expect((await deliverEvent(event)).json()).toMatchObject({ outcome: "ACCOUNT_UPDATED" });
    expect((await deliverEvent(event)).json()).toMatchObject({ outcome: "duplicate" });
    expect(await s.caller.payout.account()).toMatchObject({ connected: true, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, requirements: [] });
  });

  it("the return from onboarding reads the account from Stripe (payout.refresh) when the webhook has not come yet", async () => {
    const s = await seller();
    await s.caller.payout.connect();
    const row = await db().payoutAccount.findUniqueOrThrow({ where: { shopId: s.shop.id } });
    fake.completeOnboarding(row.accountRef);
    expect(await s.caller.payout.refresh()).toMatchObject({ payoutsEnabled: true, requirements: [] });
  });
});

describe("transfers after delivery and the hold", () => {
  it("a delivered seller order is paid out once, after the hold: one transfer keyed transfer-<sellerOrderId>, from the order's charge, booked in the ledger", async () => {
    const s = await seller();
    const account = await connect(s);
    const deliveredAt = new Date();
    const o = await deliveredOrder(s, { quantity: 2, deliveredAt });
    expect(o.netCents).toBe(3600);

    await runPayoutRound(ctx(), { now: new Date(deliveredAt.getTime() + (HOLD_DAYS - 1) * DAY), holdDays: HOLD_DAYS });
    expect(transfersTo(account)).toHaveLength(0);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 0, pendingCents: 3600, paidOutCents: 0, currency: "USD" });

    const later = new Date(deliveredAt.getTime() + (HOLD_DAYS + 1) * DAY);
    expect(await runPayoutRound(ctx(), { now: later, holdDays: HOLD_DAYS })).toMatchObject({ paid: 1, failed: 0 });
    const [tr] = transfersTo(account);
    expect(tr).toMatchObject({ amount: 3600, currency: "usd", transfer_group: `order-${o.orderId}`, source_transaction: o.intent.latest_charge, metadata: { sellerOrderId: o.sellerOrderId } });
    expect(fake.calls("/v1/transfers").filter((c) => c.params["metadata[sellerOrderId]"] === o.sellerOrderId).map((c) => c.idempotencyKey)).toEqual([`transfer-${o.sellerOrderId}`]);
    expect(await ledger(o.sellerOrderId, "PAYOUT")).toMatchObject([{ amountCents: -3600 }]);

    await runPayoutRound(ctx(), { now: later, holdDays: HOLD_DAYS });
    expect(transfersTo(account)).toHaveLength(1);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 0, pendingCents: 0, paidOutCents: 3600, balanceCents: 0 });
    const page = await s.caller.payout.transfers({});
    expect(page.items).toMatchObject([{ amountCents: 3600, status: "PAID", providerRef: tr!.id, sellerOrders: [{ id: o.sellerOrderId, orderId: o.orderId, netCents: 3600 }] }]);
    await expectChecksPass();
  });

  it("a shop sells before onboarding: its earnings wait (available, owed to sellers not onboarded) and are paid once it connects", async () => {
    const s = await seller();
    const o = await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(await db().payoutTransfer.count({ where: { sellerOrderId: o.sellerOrderId } })).toBe(0);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 1800, pendingCents: 0, paidOutCents: 0 });
    const admin = await t.createUser({ role: "ADMIN" });
    const overview = await (await t.signIn(admin.email)).caller.admin.payouts.overview();
    expect(overview.owedToNotOnboarded.find((x) => x.currency === "USD")!.cents).toBeGreaterThanOrEqual(1800);

    const account = await connect(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(transfersTo(account).map((x) => x.amount)).toEqual([1800]);
    await expectChecksPass();
  });

  it("a refused transfer is FAILED (no ledger line, the admins hear) and an admin's retry pays it under a new key", async () => {
    const s = await seller();
    await connect(s);
    const o = await deliveredOrder(s);
    fake.refuseTransfers = "balance_insufficient";
    try {
      expect(await runPayoutRound(ctx(), { holdDays: HOLD_DAYS })).toMatchObject({ failed: 1 });
    } finally {
      fake.refuseTransfers = null;
    }
    const row = await db().payoutTransfer.findUniqueOrThrow({ where: { sellerOrderId: o.sellerOrderId } });
    expect(row).toMatchObject({ status: "FAILED", amountCents: 1800 });
    expect(await ledger(o.sellerOrderId, "PAYOUT")).toHaveLength(0);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 0, pendingCents: 1800 });
    // Another round does not pay it twice, nor anything else out of its money.
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(await db().payoutTransfer.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "FAILED" });

    const admin = await t.createUser({ role: "ADMIN" });
    const { caller } = await t.signIn(admin.email);
    expect((await caller.admin.payouts.overview()).failedTransfers.map((f) => f.id)).toContain(row.id);
    expect(await caller.admin.payouts.retry({ id: row.id })).toMatchObject({ outcome: "PAID" });
    expect(fake.calls("/v1/transfers").filter((c) => c.params["metadata[sellerOrderId]"] === o.sellerOrderId && c.status === 200).map((c) => c.idempotencyKey)).toEqual([
      `transfer-${o.sellerOrderId}-2`,
    ]);
    await expect(caller.admin.payouts.retry({ id: row.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expectChecksPass();
  });
});

describe("refunds", () => {
  it("refunded during the hold: never transferred, the ledger nets to nothing", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s, { deliveredAt: new Date() });
    const admin = await t.createUser({ role: "ADMIN" });
    const { caller } = await t.signIn(admin.email);
    expect(await caller.admin.payouts.refund({ id: o.sellerOrderId })).toMatchObject({ status: "REFUNDED", reversed: false });
    expect(fake.calls("/v1/refunds").filter((c) => c.params.payment_intent === o.intent.id).map((c) => c.params.amount)).toEqual(["2000"]);
    await runPayoutRound(ctx(), { now: new Date(Date.now() + 30 * DAY), holdDays: HOLD_DAYS });
    expect(transfersTo(account)).toHaveLength(0);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 0, pendingCents: 0, paidOutCents: 0, balanceCents: 0 });
    await expectChecksPass();
  });

  it("refunded after its transfer: the seller's share is reversed (key reversal-<sellerOrderId>) and booked", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    const [tr] = transfersTo(account);
    const admin = await t.createUser({ role: "ADMIN" });
    const { caller } = await t.signIn(admin.email);
    expect(await caller.admin.payouts.refund({ id: o.sellerOrderId })).toMatchObject({ reversed: true });
    expect(fake.calls(`/v1/transfers/${tr!.id}/reversals`)).toMatchObject([{ idempotencyKey: `reversal-${o.sellerOrderId}`, params: { amount: "1800" } }]);
    expect(await ledger(o.sellerOrderId, "PAYOUT_REVERSAL")).toMatchObject([{ amountCents: 1800 }]);
    expect(await s.caller.payout.summary()).toMatchObject({ paidOutCents: 0, balanceCents: 0 });
    expect((await s.caller.payout.transfers({})).items[0]).toMatchObject({ amountCents: 1800, reversedCents: 1800 });
    await expectChecksPass();
  });

  it("a reversal Stripe refuses leaves the shop owing: the next payout is netted by it", async () => {
    const s = await seller();
    const account = await connect(s);
    const first = await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    const admin = await t.createUser({ role: "ADMIN" });
    const { caller } = await t.signIn(admin.email);
    fake.refuseReversals = "balance_insufficient";
    try {
      await caller.admin.payouts.refund({ id: first.sellerOrderId });
    } finally {
      fake.refuseReversals = null;
    }
    expect(await db().payoutTransfer.findUniqueOrThrow({ where: { sellerOrderId: first.sellerOrderId } })).toMatchObject({ reversalStatus: "FAILED" });
    expect(await s.caller.payout.summary()).toMatchObject({ balanceCents: -1800, availableCents: -1800 });

    // 3 × 20.00 − 10% = 54.00 earned next, less the 18.00 owed: 36.00 transferred.
    const second = await deliveredOrder(s, { quantity: 3 });
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(transfersTo(account).map((x) => x.amount)).toEqual([1800, 3600]);
    expect(await ledger(second.sellerOrderId, "PAYOUT")).toMatchObject([{ amountCents: -3600 }]);
    expect(await s.caller.payout.summary()).toMatchObject({ balanceCents: 0, availableCents: 0, paidOutCents: 5400 });
    await expectChecksPass();
  });
});

describe("disputes", () => {
  it("charge.dispute.created freezes the order's payouts and tells the seller and the admins; closed as won releases them", async () => {
    const s = await seller();
    const account = await connect(s);
    const admin = await t.createUser({ role: "ADMIN" });
    const o = await deliveredOrder(s);
    const dispute = fakeDispute(o.intent);
    expect((await deliverEvent(stripeEvent("charge.dispute.created", dispute))).json()).toMatchObject({ outcome: "DISPUTE_OPENED" });
    expect((await deliverEvent(stripeEvent("charge.dispute.created", dispute))).json()).toMatchObject({ outcome: "DISPUTE_OPENED" });
    expect(await db().paymentDispute.count({ where: { providerRef: dispute.id } })).toBe(1);
    expect(await db().notification.count({ where: { userId: s.owner.id, kind: "payout.dispute" } })).toBe(1);
    expect(await db().notification.count({ where: { userId: admin.id, kind: "payout.dispute" } })).toBe(1);
    expect(await db().mailOutbox.count({ where: { userId: s.owner.id, template: "payout_dispute" } })).toBe(1);

    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(transfersTo(account)).toHaveLength(0);
    expect(await s.caller.payout.summary()).toMatchObject({ availableCents: 0, pendingCents: 1800 });

    expect((await deliverEvent(stripeEvent("charge.dispute.closed", { ...dispute, status: "won" }))).json()).toMatchObject({ outcome: "DISPUTE_WON" });
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect(transfersTo(account).map((x) => x.amount)).toEqual([1800]);
    await expectChecksPass();
  });

  it("a dispute lost after the payout refunds the seller order in the ledger and reverses its transfer", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    const dispute = fakeDispute(o.intent);
    await deliverEvent(stripeEvent("charge.dispute.created", dispute));
    expect((await deliverEvent(stripeEvent("charge.dispute.closed", { ...dispute, status: "lost" }))).json()).toMatchObject({ outcome: "DISPUTE_LOST" });
    expect(await db().sellerOrder.findUniqueOrThrow({ where: { id: o.sellerOrderId } })).toMatchObject({ status: "REFUNDED" });
    expect(fake.calls("/v1/refunds").filter((c) => c.params.payment_intent === o.intent.id)).toHaveLength(0);
    expect(transfersTo(account)[0]!.amount_reversed).toBe(1800);
    expect(await s.caller.payout.summary()).toMatchObject({ balanceCents: 0, paidOutCents: 0 });
    await expectChecksPass();
  });
});

describe("SECURITY 43: no seller order is paid out twice", () => {
  it("a crash between Stripe's answer and the commit: the next round asks again with the same key, gets the same transfer, books it once", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s);
    const crash = () => {
      throw new Error("process killed");
    };
    await expect(runPayoutRound(ctx(), { holdDays: HOLD_DAYS, afterProviderAnswer: crash })).rejects.toThrow("process killed");
    expect(transfersTo(account)).toHaveLength(1);
    expect(await db().payoutTransfer.findUniqueOrThrow({ where: { sellerOrderId: o.sellerOrderId } })).toMatchObject({ status: "PENDING" });
    expect(await ledger(o.sellerOrderId, "PAYOUT")).toHaveLength(0);
    // While its lease lasts, no other worker asks; after it, the retry replays Stripe's answer.
    expect(await runPayoutRound(ctx(), { holdDays: HOLD_DAYS })).toMatchObject({ paid: 0 });
    expect(await runPayoutRound(ctx(), { now: new Date(Date.now() + 5 * 60_000), holdDays: HOLD_DAYS })).toMatchObject({ paid: 1 });
    const calls = fake.calls("/v1/transfers").filter((c) => c.params["metadata[sellerOrderId]"] === o.sellerOrderId);
    expect(calls.map((c) => c.idempotencyKey)).toEqual([`transfer-${o.sellerOrderId}`, `transfer-${o.sellerOrderId}`]);
    expect(transfersTo(account)).toHaveLength(1);
    expect(await db().payoutTransfer.findUniqueOrThrow({ where: { sellerOrderId: o.sellerOrderId } })).toMatchObject({ status: "PAID", providerRef: transfersTo(account)[0]!.id });
    expect(await ledger(o.sellerOrderId, "PAYOUT")).toHaveLength(1);
    await expectChecksPass();
  });

  it("a crash reconciled by Stripe's transfer.created webhook: booked from Stripe's record, and the worker then asks nothing", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s);
    await expect(
      runPayoutRound(ctx(), {
        holdDays: HOLD_DAYS,
        afterProviderAnswer: () => {
          throw new Error("process killed");
        },
      }),
    ).rejects.toThrow();
    const [tr] = transfersTo(account);
    const event = stripeEvent("transfer.created", tr);
    expect((await deliverEvent(event)).json()).toMatchObject({ outcome: "RECONCILED" });
    expect((await deliverEvent(event)).json()).toMatchObject({ outcome: "duplicate" });
    // Another event about the same transfer finds nothing left to book.
    expect((await deliverEvent(stripeEvent("transfer.updated", tr))).json()).toMatchObject({ outcome: "ignored: nothing to reconcile" });
    const before = fake.calls("/v1/transfers").length;
    await runPayoutRound(ctx(), { now: new Date(Date.now() + 5 * 60_000), holdDays: HOLD_DAYS });
    expect(fake.calls("/v1/transfers").length).toBe(before);
    expect(await ledger(o.sellerOrderId, "PAYOUT")).toMatchObject([{ amountCents: -1800 }]);
    await expectChecksPass();
  });

  it("Stripe down: the transfer stays PENDING and the next round makes it with the same key", async () => {
    const s = await seller();
    const account = await connect(s);
    const o = await deliveredOrder(s);
    fake.transfersDown = true;
    try {
      expect(await runPayoutRound(ctx(), { holdDays: HOLD_DAYS })).toMatchObject({ paid: 0, failed: 0, deferred: 1 });
    } finally {
      fake.transfersDown = false;
    }
    expect(await runPayoutRound(ctx(), { now: new Date(Date.now() + 5 * 60_000), holdDays: HOLD_DAYS })).toMatchObject({ paid: 1 });
    expect(transfersTo(account)).toHaveLength(1);
    expect(new Set(fake.calls("/v1/transfers").filter((c) => c.params["metadata[sellerOrderId]"] === o.sellerOrderId).map((c) => c.idempotencyKey))).toEqual(
      new Set([`transfer-${o.sellerOrderId}`]),
    );
  });

  it.runIf(usingPostgres)("two workers (two connection pools, as two processes) racing over many shops make one transfer per seller order", async () => {
    const other = await openDatabase({ url: t.database.url!, poolSize: 5 });
    try {
      const shops = await Promise.all(Array.from({ length: 4 }, () => seller()));
      const orders = [];
      for (const s of shops) {
        await connect(s);
        for (let i = 0; i < 3; i++) orders.push(await deliveredOrder(s));
      }
      const before = fake.transfers.size;
      await Promise.all([
        runPayoutRound(ctx(), { holdDays: HOLD_DAYS }),
        runPayoutRound({ db: other.prisma, deps: t.deps }, { holdDays: HOLD_DAYS }),
        runPayoutRound(ctx(), { holdDays: HOLD_DAYS }),
      ]);
      expect(fake.transfers.size - before).toBe(orders.length);
      for (const o of orders) {
        expect(await ledger(o.sellerOrderId, "PAYOUT")).toHaveLength(1);
        expect([...fake.transfers.values()].filter((x) => x.metadata.sellerOrderId === o.sellerOrderId)).toHaveLength(1);
      }
      await expectChecksPass();
    } finally {
      await other.close();
    }
  });
});

describe("SECURITY 44: Connect webhooks are verified, deduplicated and applied once", () => {
  it("a forged account.updated (bad signature) changes nothing; the same event twice applies once", async () => {
    const s = await seller();
    await s.caller.payout.connect();
    const row = await db().payoutAccount.findUniqueOrThrow({ where: { shopId: s.shop.id } });
    const enabled = { ...fake.accounts.get(row.accountRef)!, charges_enabled: true, payouts_enabled: true, requirements: { currently_due: [], disabled_reason: null } };
    const forged = await deliverEvent(stripeEvent("account.updated", enabled), "whsec_forged");
    expect(forged.statusCode).toBe(400);
    expect(await db().payoutAccount.findUniqueOrThrow({ where: { shopId: s.shop.id } })).toMatchObject({ payoutsEnabled: false });

    const o = await deliveredOrder(s);
    const dispute = fakeDispute(o.intent);
    const created = stripeEvent("charge.dispute.created", dispute);
    const results = await Promise.all([deliverEvent(created), deliverEvent(created)]);
    expect(results.map((r) => r.json().outcome).sort()).toEqual(["DISPUTE_OPENED", "duplicate"]);
    expect(await db().notification.count({ where: { userId: s.owner.id, kind: "payout.dispute" } })).toBe(1);
  });
});

describe("SECURITY 45: only the shop's owner sees or starts payouts; no amount comes from the client", () => {
  it("a buyer (no shop) gets NOT_FOUND, an anonymous caller UNAUTHORIZED, and inputs are strict", async () => {
    const buyer = await t.createUser();
    const { caller } = await t.signIn(buyer.email);
    await expect(caller.payout.connect()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.payout.summary()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.payout.transfers({})).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await t.anon()).payout.account()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const s = await seller();
    await expect(s.caller.payout.transfers({ amountCents: 1 } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // A shop id only chooses among the caller's own shops (shop teams): another one is refused.
    await expect(s.caller.payout.transfers({ shopId: "x" } as never)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(s.caller.admin.payouts.overview()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("one seller never sees another shop's transfers or account", async () => {
    const a = await seller();
    const b = await seller();
    await connect(a);
    await deliveredOrder(a);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    expect((await a.caller.payout.transfers({})).items.length).toBeGreaterThan(0);
    expect((await b.caller.payout.transfers({})).items).toEqual([]);
    expect(await b.caller.payout.account()).toMatchObject({ connected: false });
    expect(await b.caller.payout.summary()).toMatchObject({ availableCents: 0, paidOutCents: 0 });
  });
});

describe("the money checks", () => {
  it("flag a payout line that does not match its transfer, and a charge whose split does not add up", async () => {
    const s = await seller();
    await connect(s);
    const o = await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    const byName = (name: string) => payoutChecks.find((c) => c.name === name)!;
    const rolledBack = new Error("rolled back");
    await expect(
      db().$transaction(async (tx) => {
        await tx.ledgerEntry.updateMany({ where: { sellerOrderId: o.sellerOrderId, kind: "PAYOUT" }, data: { amountCents: -1799 } });
        await tx.payment.updateMany({ where: { orderId: o.orderId }, data: { amountCents: { increment: 1 } } });
        expect((await byName("payouts.seller-order-ledger").run(tx)).offending).toContain(o.sellerOrderId);
        expect((await byName("payouts.paid-out").run(tx)).offending).toContain(`${s.shop.id}:USD`);
        expect((await byName("payouts.shop-balance").run(tx)).offending).toContain(`${s.shop.id}:USD`);
        expect((await byName("payouts.order-charge-split").run(tx)).offending).toContain(o.orderId);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    await expectChecksPass();
  });
});

describe("monthly statement", () => {
  it("lists the month's ledger lines with opening and closing balances", async () => {
    const s = await seller();
    await connect(s);
    await deliveredOrder(s);
    await runPayoutRound(ctx(), { holdDays: HOLD_DAYS });
    const month = new Date().toISOString().slice(0, 7);
    const { csv, filename } = await s.caller.payout.statement({ month });
    expect(filename).toBe(`statement-${month}.csv`);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("Date (UTC),Type,Seller order,Order,Amount,Currency");
    expect(csv).toContain(",Sale,");
    expect(csv).toContain(",Commission,");
    expect(csv).toContain(",Payout,");
    expect(lines.at(-1)).toMatch(/,Closing balance,,,0\.00,USD$/);
    await expect(s.caller.payout.statement({ month: "2026-13" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
