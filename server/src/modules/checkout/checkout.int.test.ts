import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { usingPostgres } from "../../test/db.ts";
import { sweepExpiredOrders } from "../orders/sweeper.ts";

let t: TestApp;
let categoryId: string;

beforeAll(async () => {
  // These buyers place many unpaid orders in a row; the per-buyer hold limits have their own tests (order-limits.int.test.ts).
  t = await createTestApp({ config: { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0", MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" } });
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => t.close());

const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
let keyN = 0;
const key = () => `test-key-${++keyN}-${Date.now()}`;

async function shopWithProduct(variants: { priceCents: number; stock: number }[]) {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(t.database.prisma, owner.id);
  const product = await makeProduct(t.database.prisma, shop.id, categoryId, { variants });
  return { owner, shop, product, variants: product.variants };
}

async function buyer() {
  const u = await t.createUser();
  const s = await t.signIn(u.email);
  return { ...u, caller: s.caller };
}

const stockOf = async (variantId: string) => (await t.database.prisma.variant.findUniqueOrThrow({ where: { id: variantId } })).stock;

describe("checkout.placeOrder", () => {
  it("splits one order into one seller order per shop, with prices from the database and commission", async () => {
    const a = await shopWithProduct([{ priceCents: 1500, stock: 5 }]);
    const b = await shopWithProduct([{ priceCents: 999, stock: 5 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
    await bea.caller.cart.add({ variantId: b.variants[0]!.id, quantity: 3 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    expect(placed).toMatchObject({ status: "PENDING_PAYMENT", totalCents: 2 * 1500 + 3 * 999, currency: "USD", payment: { provider: "TEST" } });
    const order = await bea.caller.order.get({ id: placed.orderId });
    expect(order.sellerOrders.map((s) => [s.shop.id, s.subtotalCents]).sort()).toEqual([[a.shop.id, 3000], [b.shop.id, 2997]].sort());
    const so = await t.database.prisma.sellerOrder.findMany({ where: { orderId: placed.orderId }, orderBy: { subtotalCents: "asc" } });
    expect(so.map((s) => s.commissionCents)).toEqual([300, 300]); // 10% of 29.97 rounds to 3.00
    expect(await stockOf(a.variants[0]!.id)).toBe(3);
    expect((await bea.caller.cart.get()).itemCount).toBe(0);
    expect((order.shippingAddress as { country: string }).country).toBe("US");
  });

  it("refuses a country outside ISO 3166-1 (“Portugal” cut to PO) with a field error, and takes a listed one", async () => {
    const a = await shopWithProduct([{ priceCents: 1000, stock: 5 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    for (const country of ["PO", "Portugal", "EU"]) {
      const err = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: { ...address, country } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "BAD_REQUEST" });
      const issues = (err as { cause: { issues: { path: string[]; message: string }[] } }).cause.issues;
      expect(issues).toMatchObject([{ path: ["shippingAddress", "country"], message: "Choose the country from the list" }]);
    }
    expect(await stockOf(a.variants[0]!.id)).toBe(5);
    await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: { ...address, country: "pt" } });
    expect(await stockOf(a.variants[0]!.id)).toBe(4);
  });

  it("lastAddress is the buyer's latest order's address, without a field today's rules refuse", async () => {
    const a = await shopWithProduct([{ priceCents: 1000, stock: 5 }]);
    const bea = await buyer();
    expect(await bea.caller.checkout.lastAddress()).toBeNull();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: { ...address, line2: "Flat 2", country: "GB" } });
    expect(await bea.caller.checkout.lastAddress()).toEqual({ ...address, line2: "Flat 2", country: "GB" });
    // An order from before the country list: its "PO" is left for the buyer to choose again.
    const order = await t.database.prisma.order.findFirstOrThrow({ where: { buyerId: bea.id } });
    await t.database.prisma.order.update({ where: { id: order.id }, data: { shippingAddress: { ...address, country: "PO" } } });
    expect(await bea.caller.checkout.lastAddress()).toEqual({ name: address.name, line1: address.line1, city: address.city, postalCode: address.postalCode });
    // Nobody else's address.
    const other = await buyer();
    expect(await other.caller.checkout.lastAddress()).toBeNull();
  });

  it("SECURITY 11: the client sends only ids and quantities; bad quantities are BAD_REQUEST", async () => {
    const a = await shopWithProduct([{ priceCents: 1000, stock: 100 }]);
    const bea = await buyer();
    const variantId = a.variants[0]!.id;
    for (const quantity of [0, -1, 1.5, 1000, Number.NaN]) {
      await expect(bea.caller.cart.add({ variantId, quantity })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(bea.caller.cart.add({ variantId, quantity: 1, priceCents: 1 } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await bea.caller.cart.add({ variantId, quantity: 1 });
    await expect(
      bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address, totalCents: 1 } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // A price change after adding is taken from the database at checkout, and shown as a warning first.
    await t.database.prisma.variant.update({ where: { id: variantId }, data: { priceCents: 1200 } });
    const cart = await bea.caller.cart.get();
    expect(cart.shops[0]!.lines[0]).toMatchObject({ priceCents: 1200, previousPriceCents: 1000, warnings: ["PRICE_CHANGED"] });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    expect(placed.totalCents).toBe(1200);
  });

  it("refuses an empty cart, an unavailable product, and stock that ran out, naming the variants", async () => {
    const a = await shopWithProduct([{ priceCents: 1000, stock: 2 }, { priceCents: 500, stock: 1 }]);
    const bea = await buyer();
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
    await bea.caller.cart.add({ variantId: a.variants[1]!.id, quantity: 1 });
    await t.database.prisma.variant.update({ where: { id: a.variants[1]!.id }, data: { stock: 0 } });
    const err = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "PRECONDITION_FAILED", cause: { details: { variantIds: [a.variants[1]!.id] } } });
    expect(await stockOf(a.variants[0]!.id)).toBe(2); // all or nothing
    await t.database.prisma.product.update({ where: { id: a.product.id }, data: { status: "ARCHIVED" } });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  it("SECURITY 14: the same key twice in sequence returns the same order; with another cart it is a CONFLICT", async () => {
    const a = await shopWithProduct([{ priceCents: 700, stock: 10 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
    const k = key();
    const first = await bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address });
    const again = await bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address });
    expect(again).toEqual(first);
    expect(await t.database.prisma.order.count({ where: { buyerId: bea.id } })).toBe(1);
    expect(await stockOf(a.variants[0]!.id)).toBe(8);
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: { ...address, city: "Elsewhere" } })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("SECURITY 7: another buyer's order is NOT_FOUND for get, cancel and payment; lists show only one's own; SECURITY 8: so is its seller order to another shop's owner", async () => {
    const a = await shopWithProduct([{ priceCents: 700, stock: 10 }]);
    const bea = await buyer();
    const eve = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await expect(eve.caller.order.get({ id: placed.orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(eve.caller.order.cancel({ id: placed.orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(eve.caller.payment.confirmTest({ id: placed.orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await eve.caller.order.list({})).items).toHaveLength(0);
    expect((await bea.caller.order.list({})).items.map((o) => o.id)).toEqual([placed.orderId]);
    // A seller of another shop cannot see or move this shop's part either.
    const so = await t.database.prisma.sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId } });
    const other = await shopWithProduct([{ priceCents: 1, stock: 1 }]);
    const otherSeller = (await t.signIn(other.owner.email)).caller;
    await expect(otherSeller.sellerOrder.get({ id: so.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(otherSeller.sellerOrder.updateStatus({ id: so.id, status: "PROCESSING" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("payment and the order lifecycle", () => {
  it("pays with the test provider: order and seller orders PAID, ledgers booked, sellers told; a second confirm changes nothing", async () => {
    const a = await shopWithProduct([{ priceCents: 2000, stock: 5 }]);
    const b = await shopWithProduct([{ priceCents: 1000, stock: 5 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    await bea.caller.cart.add({ variantId: b.variants[0]!.id, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await expect(bea.caller.payment.confirmTest({ id: placed.orderId, outcome: "fail" })).resolves.toMatchObject({ status: "PENDING_PAYMENT" });
    t.sink.events.length = 0;
    const paid = await bea.caller.payment.confirmTest({ id: placed.orderId });
    expect(paid.status).toBe("PAID");
    expect(paid.sellerOrders.every((s) => s.status === "PAID")).toBe(true);
    expect(paid.payments[0]).toMatchObject({ status: "SUCCEEDED" });
    const created = t.sink.events.filter((e) => e.name === "order.created");
    // To the members who see money (shop teams: Fulfilment hears no totals).
    expect(created.map((e) => e.rooms[0]).sort()).toEqual([`shop-money:${a.shop.id}`, `shop-money:${b.shop.id}`].sort());
    const updated = t.sink.events.filter((e) => e.name === "order.updated");
    expect(updated.every((e) => e.rooms.includes(`user:${bea.id}`))).toBe(true);
    await bea.caller.payment.confirmTest({ id: placed.orderId });
    expect(await t.database.prisma.ledgerEntry.count({ where: { sellerOrder: { orderId: placed.orderId } } })).toBe(4);
    const sellerA = (await t.signIn(a.owner.email)).caller;
    expect(await sellerA.sellerOrder.summary()).toMatchObject({ salesCents: 2000, commissionCents: 200, refundsCents: 0, balanceCents: 1800 });
  });

  it("SECURITY 15: status jumps are CONFLICT; the seller path is PAID → PROCESSING → SHIPPED (tracking) → DELIVERED", async () => {
    const a = await shopWithProduct([{ priceCents: 2000, stock: 5 }]);
    const bea = await buyer();
    const seller = (await t.signIn(a.owner.email)).caller;
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    const so = await t.database.prisma.sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId } });
    await expect(seller.sellerOrder.updateStatus({ id: so.id, status: "PROCESSING" })).rejects.toMatchObject({ code: "CONFLICT" }); // unpaid
    await bea.caller.payment.confirmTest({ id: placed.orderId });
    await expect(seller.sellerOrder.updateStatus({ id: so.id, status: "SHIPPED", trackingNumber: "TRACK123" })).rejects.toMatchObject({ code: "CONFLICT" }); // skip
    await seller.sellerOrder.updateStatus({ id: so.id, status: "PROCESSING" });
    await expect(seller.sellerOrder.updateStatus({ id: so.id, status: "SHIPPED" })).rejects.toMatchObject({ code: "BAD_REQUEST" }); // no tracking
    await seller.sellerOrder.updateStatus({ id: so.id, status: "SHIPPED", trackingNumber: "TRACK123" });
    await expect(bea.caller.order.cancel({ id: placed.orderId })).rejects.toMatchObject({ code: "CONFLICT" }); // cancel after shipped
    await expect(seller.sellerOrder.cancel({ id: so.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await seller.sellerOrder.updateStatus({ id: so.id, status: "DELIVERED" });
    await expect(seller.sellerOrder.updateStatus({ id: so.id, status: "DELIVERED" })).rejects.toMatchObject({ code: "CONFLICT" }); // twice
    expect((await bea.caller.order.get({ id: placed.orderId })).status).toBe("DELIVERED");
    await expect(seller.sellerOrder.updateStatus({ id: so.id, status: "PAID" } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("each step of a seller order has its time, Processing too (the buyer's timeline showed none)", async () => {
    const a = await shopWithProduct([{ priceCents: 2000, stock: 5 }]);
    const bea = await buyer();
    const seller = (await t.signIn(a.owner.email)).caller;
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await bea.caller.payment.confirmTest({ id: placed.orderId });
    const so = await t.database.prisma.sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId } });
    expect((await bea.caller.order.get({ id: placed.orderId })).sellerOrders[0]!.processingAt).toBeNull();
    const before = Date.now();
    const mine = await seller.sellerOrder.updateStatus({ id: so.id, status: "PROCESSING" });
    expect(mine.processingAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    await seller.sellerOrder.updateStatus({ id: so.id, status: "SHIPPED", trackingNumber: "TRACK123" });
    const part = (await bea.caller.order.get({ id: placed.orderId })).sellerOrders[0]!;
    expect(part.processingAt).toEqual(mine.processingAt);
    expect(part.shippedAt!.getTime()).toBeGreaterThanOrEqual(part.processingAt!.getTime());
  });

  it("a cancelled paid seller order is refunded once: stock back, ledger reversed, provider refund keyed per seller order", async () => {
    const a = await shopWithProduct([{ priceCents: 2000, stock: 5 }]);
    const b = await shopWithProduct([{ priceCents: 1000, stock: 5 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
    await bea.caller.cart.add({ variantId: b.variants[0]!.id, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await bea.caller.payment.confirmTest({ id: placed.orderId });
    const soA = await t.database.prisma.sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId, shopId: a.shop.id } });
    const after = await bea.caller.order.cancel({ id: placed.orderId, sellerOrderId: soA.id });
    expect(after.sellerOrders.find((s) => s.id === soA.id)?.status).toBe("REFUNDED");
    expect(after.status).toBe("PAID"); // the other shop's part lives on
    expect(await stockOf(a.variants[0]!.id)).toBe(5);
    await expect(bea.caller.order.cancel({ id: placed.orderId, sellerOrderId: soA.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await stockOf(a.variants[0]!.id)).toBe(5);
    const sellerA = (await t.signIn(a.owner.email)).caller;
    expect(await sellerA.sellerOrder.summary()).toMatchObject({ salesCents: 4000, refundsCents: 4000, commissionCents: 0, balanceCents: 0 });
    const refunds = (t.deps.payments as unknown as { refunds: { idempotencyKey: string; amountCents: number }[] }).refunds;
    expect(refunds.filter((r) => r.idempotencyKey === `refund-${soA.id}`)).toEqual([expect.objectContaining({ amountCents: 4000 })]);
    // The seller cancels the rest: the whole order is then REFUNDED.
    const soB = await t.database.prisma.sellerOrder.findFirstOrThrow({ where: { orderId: placed.orderId, shopId: b.shop.id } });
    await (await t.signIn(b.owner.email)).caller.sellerOrder.cancel({ id: soB.id });
    expect((await bea.caller.order.get({ id: placed.orderId })).status).toBe("REFUNDED");
  });

  it("SECURITY 16: an expired unpaid order gives its stock back exactly once, even with two sweepers", async () => {
    const a = await shopWithProduct([{ priceCents: 500, stock: 4 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 3 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    expect(await stockOf(a.variants[0]!.id)).toBe(1);
    expect(await sweepExpiredOrders({ db: t.database.prisma, deps: t.deps })).toBe(0); // not expired yet
    await t.database.prisma.order.update({ where: { id: placed.orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const swept = await Promise.all([0, 1, 2].map(() => sweepExpiredOrders({ db: t.database.prisma, deps: t.deps })));
    expect(swept.reduce((n, x) => n + x, 0)).toBe(1);
    expect(await stockOf(a.variants[0]!.id)).toBe(4);
    expect((await bea.caller.order.get({ id: placed.orderId })).status).toBe("CANCELLED");
    await expect(bea.caller.payment.confirmTest({ id: placed.orderId })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await sweepExpiredOrders({ db: t.database.prisma, deps: t.deps })).toBe(0);
    expect(await stockOf(a.variants[0]!.id)).toBe(4);
    // A buyer cancelling an unpaid order gives stock back once too.
    await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
    const second = await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await bea.caller.order.cancel({ id: second.orderId });
    await expect(bea.caller.order.cancel({ id: second.orderId })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await stockOf(a.variants[0]!.id)).toBe(4);
  });
});

describe.skipIf(!usingPostgres)("concurrency on PostgreSQL (skipped on the embedded PGlite: it serves one connection, so nothing runs concurrently)", () => {
  it("SECURITY 12: stock 1 and 50 concurrent checkouts → exactly one order, stock 0, the rest PRECONDITION_FAILED", async () => {
    const a = await shopWithProduct([{ priceCents: 1000, stock: 1 }]);
    const buyers = await Promise.all(Array.from({ length: 50 }, () => t.createUser()));
    const callers = await Promise.all(buyers.map(async (u) => (await t.signIn(u.email)).caller));
    // Carts are filled before the stock is set to 1, as if the last unit were left for all of them.
    await t.database.prisma.variant.update({ where: { id: a.variants[0]!.id }, data: { stock: 50 } });
    await Promise.all(callers.map((c) => c.cart.add({ variantId: a.variants[0]!.id, quantity: 1 })));
    await t.database.prisma.variant.update({ where: { id: a.variants[0]!.id }, data: { stock: 1 } });
    const results = await Promise.allSettled(callers.map((c, i) => c.checkout.placeOrder({ idempotencyKey: `race-${i}-${keyN}`, shippingAddress: address })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    expect(failed.every((r) => (r.reason as { code: string }).code === "PRECONDITION_FAILED")).toBe(true);
    expect(await stockOf(a.variants[0]!.id)).toBe(0);
    expect(await t.database.prisma.orderItem.count({ where: { variantId: a.variants[0]!.id } })).toBe(1);
  }, 60_000);

  it("SECURITY 13: carts {A,B} and {B,A} checked out concurrently do not deadlock, all or nothing", async () => {
    const a = await shopWithProduct([{ priceCents: 100, stock: 1000 }]);
    const b = await shopWithProduct([{ priceCents: 100, stock: 1000 }]);
    const [va, vb] = [a.variants[0]!.id, b.variants[0]!.id];
    const pairs = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const u = await t.createUser();
        const c = (await t.signIn(u.email)).caller;
        for (const v of i % 2 ? [va, vb] : [vb, va]) await c.cart.add({ variantId: v, quantity: 1 });
        return c;
      }),
    );
    // inTransaction runs a deadlocked transaction again, so a deadlock would still pass the checks
    // below: the retries it counted (as the metrics export them) must stay at zero too.
    const { metrics } = t.deps;
    const retries = await metrics.valueOf(metrics.conflictRetries);
    const results = await Promise.allSettled(pairs.map((c, i) => c.checkout.placeOrder({ idempotencyKey: `cross-${i}-${keyN}`, shippingAddress: address })));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await metrics.valueOf(metrics.conflictRetries), "transactions run again after a deadlock").toBe(retries);
    expect(await stockOf(va)).toBe(980);
    expect(await stockOf(vb)).toBe(980);
  }, 60_000);

  it("SECURITY 14: the same idempotency key sent concurrently makes one order and the same response", async () => {
    const a = await shopWithProduct([{ priceCents: 300, stock: 100 }]);
    const bea = await buyer();
    // Several rounds: a late request may start after the first one committed (and emptied the
    // cart), or race it to the insert; either way it must answer with the same order.
    for (let round = 1; round <= 6; round++) {
      await bea.caller.cart.add({ variantId: a.variants[0]!.id, quantity: 2 });
      const k = key();
      const results = await Promise.all(Array.from({ length: 10 }, () => bea.caller.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address })));
      expect(new Set(results.map((r) => r.orderId)).size).toBe(1);
      expect(results.every((r) => JSON.stringify(r) === JSON.stringify(results[0]))).toBe(true);
      expect(await t.database.prisma.order.count({ where: { buyerId: bea.id } })).toBe(round);
      expect(await stockOf(a.variants[0]!.id)).toBe(100 - 2 * round);
    }
  }, 60_000);
});
