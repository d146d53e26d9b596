import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_TEST_CONFIG, TEST_ADDRESS, twoShopOrderMaker } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { usingPostgres } from "../../test/db.ts";
import type { TestPaymentProvider } from "../payments/provider.ts";
import { sweepExpiredOrders } from "./sweeper.ts";

/**
 * Money when parts of an order are cancelled: before payment, by the sweeper, and at the same
 * moment as the payment (SECURITY 29–31), with the built-in test provider.
 */
let t: TestApp;
let orders: Awaited<ReturnType<typeof twoShopOrderMaker>>;

beforeAll(async () => {
  t = await createTestApp({ config: ORDER_TEST_CONFIG });
  orders = await twoShopOrderMaker(t, "cancel-key");
});
afterAll(() => t.close());

const db = () => t.database.prisma;
const provider = () => t.deps.payments as TestPaymentProvider;
const address = TEST_ADDRESS;
let keyN = 0;
const key = () => `cancel-single-${++keyN}-${Date.now()}`;
const shop = (priceCents: number, stock?: number) => orders.shop(priceCents, stock);
const buyer = () => orders.buyer();
/** 2 × 20.00 from shop A and 1 × 10.00 from shop B: 50.00 USD. */
const twoShopOrder: typeof orders.order = (bea, a, b) => orders.order(bea, a, b);

const stockOf = async (variantId: string) => (await db().variant.findUniqueOrThrow({ where: { id: variantId } })).stock;
const ledgerSum = async (where: { shopId?: string; sellerOrderId?: string }) =>
  (await db().ledgerEntry.aggregate({ where, _sum: { amountCents: true } }))._sum.amountCents ?? 0;
const paymentOf = (orderId: string) => db().payment.findFirstOrThrow({ where: { orderId }, select: { status: true, amountCents: true, refundedCents: true } });
const expire = (orderId: string) => db().order.update({ where: { id: orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });

describe("SECURITY 29: a shop's part cancelled before payment is neither charged nor booked", () => {
  it("the payment shrinks to the live parts (and the provider is told); paying books only the live shop", async () => {
    const [a, b, bea] = [await shop(2000), await shop(1000), await buyer()];
    const { orderId, soA, soB } = await twoShopOrder(bea, a, b);
    await b.seller.sellerOrder.cancel({ id: soB });
    expect(await paymentOf(orderId)).toMatchObject({ status: "PENDING", amountCents: 4000 });
    expect(provider().amountUpdates).toContainEqual({ providerRef: `test_${orderId}`, amountCents: 4000 });
    expect(await stockOf(b.variantId)).toBe(1000);

    const paid = await bea.caller.payment.confirmTest({ id: orderId });
    expect(paid.status).toBe("PAID");
    expect(paid.sellerOrders.map((s) => [s.id, s.status]).sort()).toEqual([[soA, "PAID"], [soB, "CANCELLED"]].sort());
    expect(await paymentOf(orderId)).toEqual({ status: "SUCCEEDED", amountCents: 4000, refundedCents: 0 });
    expect(await db().ledgerEntry.count({ where: { sellerOrderId: soB } })).toBe(0);
    expect(await ledgerSum({ sellerOrderId: soA })).toBe(3600);
    expect(await b.seller.sellerOrder.summary()).toMatchObject({ salesCents: 0, balanceCents: 0 });
    // Both parts cancelled before payment: nothing is left to pay.
    const second = await twoShopOrder(bea, a, b);
    await a.seller.sellerOrder.cancel({ id: second.soA });
    await b.seller.sellerOrder.cancel({ id: second.soB });
    expect((await bea.caller.order.get({ id: second.orderId })).status).toBe("CANCELLED");
    expect(await paymentOf(second.orderId)).toMatchObject({ status: "CANCELLED" });
    expect(provider().cancelled).toContain(`test_${second.orderId}`);
    await expect(bea.caller.payment.confirmTest({ id: second.orderId })).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("SECURITY 31: the expired-order sweeper isolates orders", () => {
  it("an expired order with a part already cancelled is swept with the others (it used to roll back the whole batch)", async () => {
    const [a, b, bea, cid] = [await shop(2000, 10), await shop(1000, 10), await buyer(), await buyer()];
    const mixed = await twoShopOrder(bea, a, b);
    await b.seller.sellerOrder.cancel({ id: mixed.soB });
    await cid.caller.cart.add({ variantId: a.variantId, quantity: 3 });
    const other = await cid.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await Promise.all([expire(mixed.orderId), expire(other.orderId)]);
    expect(await stockOf(a.variantId)).toBe(5);

    const errors: unknown[] = [];
    expect(await sweepExpiredOrders({ db: db(), deps: t.deps }, { onError: (err) => errors.push(err) })).toBe(2);
    expect(errors).toEqual([]);
    expect((await bea.caller.order.get({ id: mixed.orderId })).status).toBe("CANCELLED");
    expect((await cid.caller.order.get({ id: other.orderId })).status).toBe("CANCELLED");
    expect([await stockOf(a.variantId), await stockOf(b.variantId)]).toEqual([10, 10]);
  });

  it("an order that cannot be cancelled is reported and left; every other expired order is still cancelled", async () => {
    const [a, broken, bea] = [await shop(500, 10), await shop(500, 10), await buyer()];
    const fine = [await buyer(), await buyer()];
    const orders: string[] = [];
    for (const u of fine) {
      await u.caller.cart.add({ variantId: a.variantId, quantity: 2 });
      orders.push((await u.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).orderId);
    }
    await bea.caller.cart.add({ variantId: broken.variantId, quantity: 2 });
    const stuck = (await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).orderId;
    // Giving its 2 units back would pass the largest stock a variant can hold: that order's cancellation fails.
    await db().variant.update({ where: { id: broken.variantId }, data: { stock: 2_147_483_647 } });
    await Promise.all([...orders, stuck].map(expire));
    // The stuck order expires first, so it heads the sweep.
    await db().order.update({ where: { id: stuck }, data: { expiresAt: new Date(Date.now() - 60_000) } });

    const failed: string[] = [];
    expect(await sweepExpiredOrders({ db: db(), deps: t.deps }, { onError: (_err, id) => failed.push(id) })).toBe(2);
    expect(failed).toEqual([stuck]);
    for (const id of orders) expect((await db().order.findUniqueOrThrow({ where: { id } })).status).toBe("CANCELLED");
    expect(await stockOf(a.variantId)).toBe(10);
    expect((await db().order.findUniqueOrThrow({ where: { id: stuck } })).status).toBe("PENDING_PAYMENT");
    expect(await db().sellerOrder.count({ where: { orderId: stuck, status: "PENDING_PAYMENT" } })).toBe(1);
  });
});

describe.skipIf(!usingPostgres)("SECURITY 30: cancel and pay at the same moment (PostgreSQL, many rounds)", () => {
  const ROUNDS = 25;

  it("the buyer's cancel and the payment: exactly one decides; a cancelled order is never left charged, a paid one is only cancelled by a refund", async () => {
    const [a, b] = [await shop(2000, 10_000), await shop(1000, 10_000)];
    const outcomes = { cancelledFirst: 0, paidFirst: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const bea = await buyer();
      const { orderId } = await twoShopOrder(bea, a, b);
      const [cancel, pay] = await Promise.allSettled([bea.caller.order.cancel({ id: orderId }), bea.caller.payment.confirmTest({ id: orderId })]);
      expect(cancel.status).toBe("fulfilled");
      const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, paidAt: true } });
      const payment = await paymentOf(orderId);
      const ledger = await db().ledgerEntry.findMany({ where: { sellerOrder: { orderId } }, select: { kind: true } });
      if (pay.status === "rejected") {
        // The cancellation came first: nothing was charged, nothing booked.
        expect((pay.reason as { code: string }).code).toBe("CONFLICT");
        expect(order).toEqual({ status: "CANCELLED", paidAt: null });
        expect(payment.status).toBe("CANCELLED");
        expect(ledger).toEqual([]);
        outcomes.cancelledFirst += 1;
      } else {
        // The payment came first: the cancellation refunded all of it, and reversed the ledger.
        expect(order.status).toBe("REFUNDED");
        expect(order.paidAt).toBeInstanceOf(Date);
        expect(payment).toEqual({ status: "REFUNDED", amountCents: 5000, refundedCents: 5000 });
        expect(ledger.map((l) => l.kind).sort()).toEqual(["COMMISSION", "COMMISSION", "COMMISSION_REFUND", "COMMISSION_REFUND", "REFUND", "REFUND", "SALE", "SALE"]);
        expect(provider().refunds.filter((r) => r.providerRef === `test_${orderId}`).reduce((n, r) => n + r.amountCents, 0)).toBe(5000);
        outcomes.paidFirst += 1;
      }
      expect(await db().ledgerEntry.aggregate({ where: { sellerOrder: { orderId } }, _sum: { amountCents: true } })).toEqual({ _sum: { amountCents: ledger.length ? 0 : null } });
    }
    expect(outcomes.cancelledFirst + outcomes.paidFirst).toBe(ROUNDS);
    // Every unit held by the orders came back.
    expect([await stockOf(a.variantId), await stockOf(b.variantId)]).toEqual([10_000, 10_000]);
  }, 120_000);

  it("a seller cancelling their part while the buyer pays: the cancelled part is never kept as money, the live part always is", async () => {
    const [a, b] = [await shop(2000, 10_000), await shop(1000, 10_000)];
    const sellerB = b.seller;
    for (let round = 0; round < ROUNDS; round++) {
      const bea = await buyer();
      const { orderId, soA, soB } = await twoShopOrder(bea, a, b);
      const [cancel, pay] = await Promise.allSettled([sellerB.sellerOrder.cancel({ id: soB }), bea.caller.payment.confirmTest({ id: orderId })]);
      expect([cancel.status, pay.status]).toEqual(["fulfilled", "fulfilled"]);
      const payment = await paymentOf(orderId);
      // What the platform keeps is exactly shop A's part, whichever came first.
      expect(payment.amountCents - payment.refundedCents).toBe(4000);
      expect(await ledgerSum({ sellerOrderId: soB })).toBe(0);
      expect(await ledgerSum({ sellerOrderId: soA })).toBe(3600);
      expect((await db().order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("PAID");
    }
    expect(await stockOf(b.variantId)).toBe(10_000);
  }, 120_000);
});

describe("cancelling an order from two shops", () => {
  it("gives the units back in variant-id order across both parts, the order checkouts take them in (part by part, it deadlocked with them)", async () => {
    // An order whose part with the smaller id holds the variant with the larger id: given back
    // part by part, its variants would be locked out of order (each try is such an order by even odds).
    let placed: { orderId: string; soA: string; soB: string; a: Awaited<ReturnType<typeof shop>>; b: Awaited<ReturnType<typeof shop>>; bea: Awaited<ReturnType<typeof buyer>> } | null = null;
    for (let i = 0; i < 20 && !placed; i++) {
      const [a, b, bea] = [await shop(2000), await shop(1000), await buyer()];
      const o = await twoShopOrder(bea, a, b);
      if (o.soA < o.soB !== a.variantId < b.variantId) placed = { ...o, a, b, bea };
      else await bea.caller.order.cancel({ id: o.orderId });
    }
    expect(placed).not.toBeNull();
    const { orderId, soA, soB, a, b, bea } = placed!;
    await bea.caller.order.cancel({ id: orderId });
    const moves = await db().stockMovement.findMany({
      where: { sellerOrderId: { in: [soA, soB] }, reason: "CANCEL" },
      orderBy: { id: "asc" },
      select: { variantId: true, sellerOrderId: true },
    });
    expect(moves.map((m) => m.variantId)).toEqual([a.variantId, b.variantId].sort());
    expect(Object.fromEntries(moves.map((m) => [m.variantId, m.sellerOrderId]))).toEqual({ [a.variantId]: soA, [b.variantId]: soB });
    expect(await stockOf(a.variantId)).toBe(1000);
    expect(await stockOf(b.variantId)).toBe(1000);
  });
});
