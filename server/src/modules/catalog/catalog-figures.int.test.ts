import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { usingPostgres } from "../../test/db.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { lockWaiters } from "../../test/locks.ts";
import { until } from "../../test/until.ts";

/**
 * products.min_price_cents / max_price_cents / in_stock, kept by the trigger on variants
 * (migration 20261127020000_catalog_denormalized): after every kind of variant write they equal
 * what the variants say, also when two transactions empty a product's last two in-stock variants
 * at the same time.
 */
let t: TestApp;
let shopId: string;
let otherShopId: string;
let categoryId: string;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.prisma;
  shopId = (await makeShop(db, (await t.createUser({ role: "SELLER" })).id, { status: "ACTIVE" })).id;
  otherShopId = (await makeShop(db, (await t.createUser({ role: "SELLER" })).id, { status: "ACTIVE" })).id;
  categoryId = (await makeCategory(db)).id;
});
afterAll(() => t.close());

const figures = async (productId: string) => {
  const p = await t.database.prisma.product.findUniqueOrThrow({
    where: { id: productId },
    select: { minPriceCents: true, maxPriceCents: true, inStock: true },
  });
  return [p.minPriceCents, p.maxPriceCents, p.inStock];
};

/** What the variants say, computed here. */
const expected = async (productId: string) => {
  const vs = await t.database.prisma.variant.findMany({ where: { productId }, select: { priceCents: true, stock: true } });
  if (!vs.length) return [null, null, false];
  const prices = vs.map((v) => v.priceCents);
  return [Math.min(...prices), Math.max(...prices), vs.some((v) => v.stock > 0)];
};

const product = (variants: { priceCents: number; stock?: number }[], shop = shopId) =>
  makeProduct(t.database.prisma, shop, categoryId, { title: "Figure Test", variants });

describe("product figures kept by the variants trigger", () => {
  it("follows inserts, price and stock changes, deletes, and moves between products", async () => {
    const db = t.database.prisma;
    const p = await product([{ priceCents: 1500, stock: 2 }, { priceCents: 900, stock: 0 }]);
    const [a, b] = p.variants;
    expect(await figures(p.id)).toEqual([900, 1500, true]);

    await db.variant.update({ where: { id: a!.id }, data: { stock: 1 } }); // same side of zero: nothing moves
    expect(await figures(p.id)).toEqual([900, 1500, true]);
    await db.variant.update({ where: { id: a!.id }, data: { stock: 0 } });
    expect(await figures(p.id)).toEqual([900, 1500, false]);
    await db.$executeRaw`UPDATE variants SET stock = stock + 3 WHERE id = ${b!.id}`;
    expect(await figures(p.id)).toEqual([900, 1500, true]);

    await db.variant.update({ where: { id: b!.id }, data: { priceCents: 2000 } });
    expect(await figures(p.id)).toEqual([1500, 2000, true]);
    await db.variant.create({ data: { productId: p.id, shopId, sku: `fig-${p.id}-c`, title: "C", priceCents: 100, stock: 0 } });
    expect(await figures(p.id)).toEqual([100, 2000, true]);
    await db.variant.deleteMany({ where: { productId: p.id, priceCents: { gte: 1500 } } });
    expect(await figures(p.id)).toEqual([100, 100, false]);

    // A variant moved to another product changes both.
    const q = await product([{ priceCents: 5000, stock: 1 }]);
    const [c] = await db.variant.findMany({ where: { productId: p.id } });
    await db.variant.update({ where: { id: c!.id }, data: { productId: q.id } });
    expect(await figures(p.id)).toEqual([null, null, false]);
    expect(await figures(q.id)).toEqual([100, 5000, true]);

    // Deleting a product (its variants cascade) is no trouble for the trigger.
    await db.product.delete({ where: { id: q.id } });
    expect(await db.product.count({ where: { id: q.id } })).toBe(0);
  });

  it("gives a product created without variants no price and no stock, and one created with them its figures", async () => {
    const none = await product([]);
    expect(await figures(none.id)).toEqual([null, null, false]);
    const some = await product([{ priceCents: 700, stock: 0 }, { priceCents: 300, stock: 0 }], otherShopId);
    expect(await figures(some.id)).toEqual([300, 700, false]);
  });

  it.skipIf(!usingPostgres)("stays right when two transactions empty the last two in-stock variants at once", async () => {
    // The figures are computed by a trigger deferred to the commit. Here each transaction runs it
    // early (SET CONSTRAINTS ALL IMMEDIATE: the same function, only sooner), so the first can be
    // held open, its figures computed and not yet committed, while the second computes its own:
    // two commits overlapping, made certain. With the trigger's lock on the product the second
    // waits for the first to commit and then sees both variants empty; without it, each sees the
    // other's variant still in stock and `in_stock` stays true.
    const db = t.database.prisma;
    const p = await product([{ priceCents: 1000, stock: 1 }, { priceCents: 1200, stock: 1 }]);
    const [v1, v2] = p.variants;
    const watcher = await t.database.connect();
    try {
      let computed!: () => void;
      const firstComputed = new Promise<void>((r) => (computed = r));
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const first = db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE variants SET stock = 0 WHERE id = ${v1!.id}`;
        await tx.$executeRaw`SET CONSTRAINTS ALL IMMEDIATE`;
        computed();
        await released;
      });
      await Promise.race([firstComputed, first]);
      let secondDone = false;
      const second = db
        .$transaction(async (tx) => {
          await tx.$executeRaw`UPDATE variants SET stock = 0 WHERE id = ${v2!.id}`;
          await tx.$executeRaw`SET CONSTRAINTS ALL IMMEDIATE`;
        })
        .finally(() => (secondDone = true));
      await until(async () => secondDone || (await lockWaiters(watcher)) > 0, "the second transaction to wait for the product, or be through");
      release();
      await Promise.all([first, second]);
    } finally {
      await watcher.close();
    }
    expect(await figures(p.id)).toEqual(await expected(p.id));
    expect(await figures(p.id)).toEqual([1000, 1200, false]);
  });

  it.skipIf(!usingPostgres)("does not deadlock two checkouts that share a product and cross zero in opposite order", async () => {
    // The first empties v1 and then wants v2; the second, meanwhile, empties v2. Had the trigger
    // locked the product as each variant changed, the second would wait for the product (held by
    // the first) while holding v2, which the first waits for: a deadlock, one checkout failing.
    // The first goes on once the second is through or waiting for a lock, whichever happens.
    const db = t.database.prisma;
    const p = await product([{ priceCents: 1000, stock: 1 }, { priceCents: 1200, stock: 2 }]);
    const [v1, v2] = p.variants;
    const watcher = await t.database.connect();
    try {
      let firstWrote!: () => void;
      const wrote = new Promise<void>((r) => (firstWrote = r));
      let secondDone = false;
      const first = db.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE variants SET stock = 0 WHERE id = ${v1!.id}`;
        firstWrote();
        await until(async () => secondDone || (await lockWaiters(watcher)) > 0, "the second checkout to finish or wait for a lock");
        return tx.$executeRaw`UPDATE variants SET stock = stock - 1 WHERE id = ${v2!.id} AND stock >= 1`;
      });
      const second = wrote.then(() =>
        db
          .$transaction(async (tx) => tx.$executeRaw`UPDATE variants SET stock = stock - 2 WHERE id = ${v2!.id} AND stock >= 2`)
          .finally(() => (secondDone = true)),
      );
      expect(await Promise.all([first, second])).toEqual([0, 1]);
    } finally {
      await watcher.close();
    }
    expect(await figures(p.id)).toEqual([1000, 1200, false]);
  });

  it("agrees with the variants for every product the tests made", async () => {
    const all = await t.database.prisma.product.findMany({ select: { id: true } });
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { id } of all) expect(await figures(id), id).toEqual(await expected(id));
  });
});
