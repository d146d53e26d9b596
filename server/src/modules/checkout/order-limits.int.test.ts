import { MAX_ORDER_TOTAL_CENTS } from "@marketplace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { usingPostgres } from "../../test/db.ts";

/** What one buyer may order: unpaid holds (SECURITY 33) and money limits (SECURITY 38), at their defaults. */
let t: TestApp;
let categoryId: string;

beforeAll(async () => {
  t = await createTestApp({ config: { SWEEP_INTERVAL_SECONDS: "0" } });
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => t.close());

const db = () => t.database.prisma;
const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
let keyN = 0;
const key = () => `limit-key-${++keyN}-${Date.now()}`;

async function variant(priceCents: number, stock = 10_000) {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db(), owner.id);
  const product = await makeProduct(db(), shop.id, categoryId, { variants: [{ priceCents, stock }] });
  return product.variants[0]!.id;
}

async function buyer() {
  const u = await t.createUser();
  return { ...u, caller: (await t.signIn(u.email)).caller };
}

const unpaidOrders = (buyerId: string) => db().order.count({ where: { buyerId, status: "PENDING_PAYMENT" } });

describe("SECURITY 33: unpaid holds are capped per buyer (3 orders, 100 units by default)", () => {
  it("a fourth unpaid order is refused, in the cart and at checkout, until one is paid or cancelled", async () => {
    expect([t.deps.config.MAX_UNPAID_ORDERS, t.deps.config.MAX_HELD_UNITS]).toEqual([3, 100]);
    const v = await variant(500);
    const bea = await buyer();
    const orders: string[] = [];
    for (let i = 0; i < 3; i++) {
      await bea.caller.cart.add({ variantId: v, quantity: 1 });
      orders.push((await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).orderId);
    }
    const cart = await bea.caller.cart.add({ variantId: v, quantity: 1 });
    expect(cart.canCheckout).toBe(false);
    expect(cart.blocker).toEqual({ limit: "UNPAID_ORDERS", message: "You have 3 unpaid orders, the most you can have at once: pay or cancel one to place another." });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: cart.blocker!.message,
      cause: { details: { limit: "UNPAID_ORDERS", variantIds: [] } },
    });
    expect(await unpaidOrders(bea.id)).toBe(3);
    expect(await db().cartItem.count({ where: { cart: { userId: bea.id } } })).toBe(1); // the cart is kept

    await bea.caller.payment.confirmTest({ id: orders[0]! });
    expect((await bea.caller.cart.get()).blocker).toBeNull();
    await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    await bea.caller.cart.add({ variantId: v, quantity: 1 });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await bea.caller.order.cancel({ id: orders[1]! });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).resolves.toMatchObject({ status: "PENDING_PAYMENT" });
  });

  it("unpaid orders hold at most 100 units: one account cannot take a product off sale", async () => {
    const v = await variant(100, 150);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: v, quantity: 60 });
    await bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address });
    const cart = await bea.caller.cart.add({ variantId: v, quantity: 50 });
    expect(cart.blocker).toEqual({ limit: "HELD_UNITS", message: "Unpaid orders may hold at most 100 items at once (your unpaid orders hold 60): pay or cancel an order, or order fewer items." });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      cause: { details: { limit: "HELD_UNITS" } },
    });
    expect((await db().variant.findUniqueOrThrow({ where: { id: v } })).stock).toBe(90);
    await bea.caller.cart.update({ variantId: v, quantity: 40 });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).resolves.toMatchObject({ status: "PENDING_PAYMENT" });
  });

  it.skipIf(!usingPostgres)("holds under concurrency: eight tabs adding and checking out at once never pass 3 unpaid orders", async () => {
    const v = await variant(100);
    for (let round = 0; round < 4; round++) {
      const bea = await buyer();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, async (_, i) => {
          await bea.caller.cart.add({ variantId: v, quantity: 1 });
          return bea.caller.checkout.placeOrder({ idempotencyKey: `tab-${round}-${i}-${key()}`, shippingAddress: address });
        }),
      );
      expect(await unpaidOrders(bea.id)).toBeLessThanOrEqual(3);
      for (const r of results) {
        if (r.status === "rejected") expect((r.reason as { code: string }).code).toBe("PRECONDITION_FAILED"); // the limit, or a cart a twin emptied
      }
    }
  }, 60_000);
});

describe("SECURITY 38: money past the limits is a clear 400, never a 500", () => {
  it("a cart line above the order limit is BAD_REQUEST with the quantity named; within it, it is kept", async () => {
    const v = await variant(50_000_000);
    const bea = await buyer();
    const tooMuch = "An order can total at most $999,999.99: lower the quantities or split it into several orders.";
    await expect(bea.caller.cart.add({ variantId: v, quantity: 3 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: tooMuch, cause: { fieldErrors: { quantity: [tooMuch] } } });
    expect(await db().cartItem.count({ where: { cart: { userId: bea.id } } })).toBe(0);
    await bea.caller.cart.add({ variantId: v, quantity: 1 });
    await expect(bea.caller.cart.add({ variantId: v, quantity: 1 })).rejects.toMatchObject({ code: "BAD_REQUEST" }); // 2 × 500,000.00
    await expect(bea.caller.cart.update({ variantId: v, quantity: 99 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: tooMuch });
    expect((await bea.caller.cart.get()).shops[0]!.lines[0]!.quantity).toBe(1);
  });

  it("a cart whose total passes the limit (even 2^31 cents) says so and cannot be checked out; the checkout answers BAD_REQUEST", async () => {
    const bea = await buyer();
    const cartId = (await db().cart.create({ data: { userId: bea.id } })).id;
    // 30 lines of 1,000,000.00 = 3,000,000,000 cents, past a 32-bit integer: written straight to the
    // database, as lines added before a price rise would be.
    for (let i = 0; i < 30; i++) {
      const v = await variant(MAX_ORDER_TOTAL_CENTS);
      await db().cartItem.create({ data: { cartId, variantId: v, quantity: 1, addedPriceCents: MAX_ORDER_TOTAL_CENTS } });
    }
    const cart = await bea.caller.cart.get();
    expect(cart.totalCents).toBe(30 * MAX_ORDER_TOTAL_CENTS);
    expect(cart.canCheckout).toBe(false);
    expect(cart.blocker).toMatchObject({ limit: "ORDER_TOTAL", message: expect.stringMatching(/^An order can total at most \$999,999\.99/) });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).rejects.toMatchObject({ code: "BAD_REQUEST", message: cart.blocker!.message });
    expect(await db().order.count({ where: { buyerId: bea.id } })).toBe(0);
    // Exactly at the limit is fine.
    await db().cartItem.deleteMany({ where: { cartId } });
    await db().cartItem.create({ data: { cartId, variantId: await variant(MAX_ORDER_TOTAL_CENTS), quantity: 1, addedPriceCents: MAX_ORDER_TOTAL_CENTS } });
    await expect(bea.caller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: address })).resolves.toMatchObject({ totalCents: MAX_ORDER_TOTAL_CENTS });
  });
});
