import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";

/** The buyer's and the seller's order lists page alike: newest first, keyset cursors, no row twice or lost. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };

describe("order lists, page by page", () => {
  it("the buyer's orders and the shop's paid seller orders come newest first, two by two, then end", async () => {
    const db = t.database.prisma;
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(db, owner.id);
    const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ priceCents: 500, stock: 100 }] });
    const buyer = (await t.signIn((await t.createUser()).email)).caller;
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      await buyer.cart.add({ variantId: product.variants[0]!.id, quantity: 1 });
      const { orderId } = await buyer.checkout.placeOrder({ idempotencyKey: `order-lists-${i}-${Date.now()}`, shippingAddress: address });
      if (i < 2) await buyer.payment.confirmTest({ id: orderId }); // the third stays unpaid: not the seller's yet
      placed.push(orderId);
    }
    const first = await buyer.order.list({ limit: 2 });
    expect(first.items.map((o) => o.id)).toEqual([placed[2], placed[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await buyer.order.list({ limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ id: placed[0] })], nextCursor: null });

    const seller = (await t.signIn(owner.email)).caller;
    const shopFirst = await seller.sellerOrder.list({ limit: 1 });
    expect(shopFirst.items.map((so) => so.orderId)).toEqual([placed[1]]);
    const shopSecond = await seller.sellerOrder.list({ limit: 1, cursor: shopFirst.nextCursor! });
    expect(shopSecond.items.map((so) => so.orderId)).toEqual([placed[0]]);
    expect(shopSecond.nextCursor).toBeNull();
    expect((await seller.sellerOrder.list({ status: "PENDING_PAYMENT" })).items.map((so) => so.orderId)).toEqual([placed[2]]);
  });
});
