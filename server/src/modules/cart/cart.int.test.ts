import { MAX_CART_LINES } from "@marketplace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";

let t: TestApp;
let categoryId: string;

beforeAll(async () => {
  // These buyers place many unpaid orders in a row; the per-buyer hold limits have their own tests (order-limits.int.test.ts).
  t = await createTestApp({ config: { MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" } });
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => t.close());

async function shopWith(variants: { priceCents?: number; stock?: number }[], opts: { status?: "ACTIVE" | "SUSPENDED" } = {}) {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(t.database.prisma, owner.id, { status: opts.status ?? "ACTIVE" });
  const product = await makeProduct(t.database.prisma, shop.id, categoryId, { variants });
  return { owner, shop, product, variantIds: product.variants.map((v) => v.id) };
}

async function buyer() {
  const u = await t.createUser();
  return { ...u, caller: (await t.signIn(u.email)).caller };
}

const line = (cart: { shops: { lines: { variantId: string; quantity: number }[] }[] }, variantId: string) =>
  cart.shops.flatMap((s) => s.lines).find((l) => l.variantId === variantId);

describe("cart.add", () => {
  it("adds a line with today's price, adds up on a second add, and groups lines by shop", async () => {
    const a = await shopWith([{ priceCents: 1200, stock: 10 }]);
    const b = await shopWith([{ priceCents: 300, stock: 10 }]);
    await t.database.prisma.productImage.createMany({
      data: [
        { productId: a.product.id, url: "/uploads/second.webp", alt: "Back", position: 1 },
        { productId: a.product.id, url: "/uploads/cover.webp", alt: "Front", position: 0 },
      ],
    });
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 2 });
    await bea.caller.cart.add({ variantId: b.variantIds[0]!, quantity: 1 });
    const cart = await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 3 });
    expect(line(cart, a.variantIds[0]!)).toMatchObject({
      quantity: 5,
      priceCents: 1200,
      lineTotalCents: 6000,
      warnings: [],
      product: { id: a.product.id, image: { url: "/uploads/cover.webp", alt: "Front" } },
      shop: { id: a.shop.id, name: a.shop.name, slug: a.shop.slug },
    });
    expect(line(cart, b.variantIds[0]!)).toMatchObject({ product: { image: null } });
    expect(cart.shops.map((s) => [s.shop.id, s.subtotalCents])).toEqual([
      [a.shop.id, 6000],
      [b.shop.id, 300],
    ]);
    expect(cart).toMatchObject({ itemCount: 6, totalCents: 6300, canCheckout: true });
  });

  it("loses no unit when the same item is added many times at once (a double click, two tabs)", async () => {
    const a = await shopWith([{ stock: 50 }]);
    const bea = await buyer();
    await Promise.all(Array.from({ length: 12 }, () => bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 1 })));
    expect(line(await bea.caller.cart.get(), a.variantIds[0]!)?.quantity).toBe(12);
  });

  it("refuses more than the stock with PRECONDITION_FAILED naming what is left, and keeps the line as it was", async () => {
    const a = await shopWith([{ stock: 3 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 2 });
    await expect(bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 2 })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "Only 3 available, and your cart already has 2",
    });
    await expect(bea.caller.cart.update({ variantId: a.variantIds[0]!, quantity: 5 })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "Only 3 available",
    });
    expect(line(await bea.caller.cart.get(), a.variantIds[0]!)?.quantity).toBe(2);
  });

  it("refuses an add that would take a line past 99 instead of capping it silently at 99", async () => {
    const a = await shopWith([{ stock: 500 }]);
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 98 });
    await expect(bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "At most 99 of one item per order, and your cart already has 98",
    });
    expect(line(await bea.caller.cart.get(), a.variantIds[0]!)?.quantity).toBe(98);
    await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 1 });
    expect(line(await bea.caller.cart.get(), a.variantIds[0]!)?.quantity).toBe(99);
  });

  it("refuses a product that cannot be bought: a draft or a suspended shop's is NOT_FOUND, one's own shop's FORBIDDEN", async () => {
    const suspended = await shopWith([{}], { status: "SUSPENDED" });
    const own = await shopWith([{}]);
    const draft = await makeProduct(t.database.prisma, own.shop.id, categoryId, { status: "DRAFT" });
    const bea = await buyer();
    await expect(bea.caller.cart.add({ variantId: suspended.variantIds[0]! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bea.caller.cart.add({ variantId: draft.variants[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const owner = (await t.signIn(own.owner.email)).caller;
    await expect(owner.cart.add({ variantId: own.variantIds[0]! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await bea.caller.cart.get()).shops).toEqual([]);
  });

  it(`holds at most ${MAX_CART_LINES} different items, even when they are added at once`, async () => {
    const many = await shopWith(Array.from({ length: MAX_CART_LINES + 5 }, () => ({ stock: 5 })));
    const bea = await buyer();
    const results = await Promise.allSettled(many.variantIds.map((variantId) => bea.caller.cart.add({ variantId })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_CART_LINES);
    for (const r of results.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "BAD_REQUEST" });
    expect((await bea.caller.cart.get()).shops[0]!.lines).toHaveLength(MAX_CART_LINES);
  });
});

describe("the cart as shown", () => {
  it("warns of a changed price, short stock and an item that left the catalog, and leaves those out of the total", async () => {
    const a = await shopWith([
      { priceCents: 1000, stock: 10 },
      { priceCents: 500, stock: 10 },
      { priceCents: 700, stock: 10 },
    ]);
    const gone = await shopWith([{ priceCents: 900, stock: 10 }]);
    const bea = await buyer();
    for (const variantId of [...a.variantIds, gone.variantIds[0]!]) await bea.caller.cart.add({ variantId, quantity: 2 });
    const db = t.database.prisma;
    await db.variant.update({ where: { id: a.variantIds[0]! }, data: { priceCents: 1100 } });
    await db.variant.update({ where: { id: a.variantIds[1]! }, data: { stock: 1 } });
    await db.variant.update({ where: { id: a.variantIds[2]! }, data: { stock: 0 } });
    await db.shop.update({ where: { id: gone.shop.id }, data: { status: "SUSPENDED" } });
    const cart = await bea.caller.cart.get();
    expect(line(cart, a.variantIds[0]!)).toMatchObject({ priceCents: 1100, previousPriceCents: 1000, warnings: ["PRICE_CHANGED"] });
    expect(line(cart, a.variantIds[1]!)).toMatchObject({ warnings: ["LOW_STOCK"], stock: 1 });
    expect(line(cart, a.variantIds[2]!)).toMatchObject({ warnings: ["OUT_OF_STOCK"] });
    expect(line(cart, gone.variantIds[0]!)).toMatchObject({ available: false, warnings: ["UNAVAILABLE"] });
    expect(cart.totalCents).toBe(2 * 1100 + 2 * 500 + 2 * 700);
    expect(cart.canCheckout).toBe(false);

    // Seeing the cart and setting a quantity accepts today's price.
    const updated = await bea.caller.cart.update({ variantId: a.variantIds[0]!, quantity: 1 });
    expect(line(updated, a.variantIds[0]!)).toMatchObject({ quantity: 1, previousPriceCents: null, warnings: [] });
  });

  it("update, remove and clear change only the caller's cart; a line not in it is NOT_FOUND", async () => {
    const a = await shopWith([{ stock: 10 }, { stock: 10 }]);
    const bea = await buyer();
    const bob = await buyer();
    await bea.caller.cart.add({ variantId: a.variantIds[0]! });
    await bea.caller.cart.add({ variantId: a.variantIds[1]! });
    await bob.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 4 });
    await expect(bob.caller.cart.update({ variantId: a.variantIds[1]!, quantity: 2 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(line(await bea.caller.cart.remove({ variantId: a.variantIds[0]! }), a.variantIds[0]!)).toBeUndefined();
    expect((await bea.caller.cart.clear()).shops).toEqual([]);
    expect(line(await bob.caller.cart.get(), a.variantIds[0]!)?.quantity).toBe(4);
  });

  it("merges a guest cart at sign-in: quantities add up, items that cannot be bought are skipped and named", async () => {
    const a = await shopWith([{ stock: 10 }, { stock: 2 }]);
    const suspended = await shopWith([{}], { status: "SUSPENDED" });
    const bea = await buyer();
    await bea.caller.cart.add({ variantId: a.variantIds[0]!, quantity: 1 });
    const { cart, skippedVariantIds } = await bea.caller.cart.merge({
      items: [
        { variantId: a.variantIds[0]!, quantity: 2 },
        { variantId: a.variantIds[1]!, quantity: 5 },
        { variantId: suspended.variantIds[0]!, quantity: 1 },
      ],
    });
    expect(line(cart, a.variantIds[0]!)?.quantity).toBe(3);
    expect(line(cart, a.variantIds[1]!)).toBeUndefined();
    expect(skippedVariantIds).toEqual([a.variantIds[1], suspended.variantIds[0]]);
  });
});

describe("the cart and a checkout at the same time", () => {
  it("an item added while the buyer checks out is either in the order or still in the cart, never lost", async () => {
    const a = await shopWith([{ stock: 500 }, { stock: 500 }]);
    const bea = await buyer();
    const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
    for (let round = 0; round < 12; round++) {
      await bea.caller.cart.add({ variantId: a.variantIds[0]! });
      const [order] = await Promise.all([
        bea.caller.checkout.placeOrder({ idempotencyKey: `race-${round}-${Date.now()}`, shippingAddress: address }),
        bea.caller.cart.add({ variantId: a.variantIds[1]! }),
      ]);
      const ordered = await t.database.prisma.orderItem.findMany({ where: { orderId: order.orderId }, select: { variantId: true } });
      const inOrder = ordered.some((i) => i.variantId === a.variantIds[1]);
      const inCart = line(await bea.caller.cart.get(), a.variantIds[1]!) !== undefined;
      expect(inOrder || inCart, `round ${round}: the added item vanished`).toBe(true);
      await bea.caller.cart.clear();
    }
  });
});
