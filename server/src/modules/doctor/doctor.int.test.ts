import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../db/seed/index.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { ORDER_TEST_CONFIG, TEST_ADDRESS, makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { usingPostgres } from "../../test/db.ts";
import { sweepExpiredOrders } from "../orders/sweeper.ts";
import { payoutChecks } from "../payouts/payout-checks.ts";
import { doctorChecks } from "./checks.ts";
import { runChecks, runDoctor, type DoctorReport } from "./doctor.service.ts";

/**
 * `pnpm doctor`'s checks: green on the seeded demo and after the app's own writes (checkouts,
 * payments, cancellations, expiry, refunds, seller edits, reviews; concurrent on PostgreSQL), and
 * each one red on a database corrupted the way it is meant to catch.
 */
let t: TestApp;
const db = () => t.database.prisma;
const checks = () => doctorChecks({ sweepIntervalSeconds: 0 });
const doctor = () => runChecks(db(), checks());
const failing = (r: DoctorReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.error ?? c.offending.join(",")}`);
let keyN = 0;
const key = () => `doctor-${++keyN}-${Date.now()}`;

beforeAll(async () => {
  t = await createTestApp({ config: ORDER_TEST_CONFIG });
  await seedDemo(db());
}, 120_000);
afterAll(() => t.close());

/** Seller payouts' checks, run by the doctor too but corrupted in payouts.int.test.ts. */
const isPayoutCheck = (name: string) => name.startsWith("payouts.");

describe("the seeded demo", () => {
  it("passes every check, each of which looked at something", async () => {
    const report = await doctor();
    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    // The payouts' checks may find nothing to look at yet (no transfer in the demo): they are
    // turned red one by one in payouts.int.test.ts.
    for (const c of report.checks) if (!isPayoutCheck(c.name)) expect(c.checked, c.name).toBeGreaterThan(0);
    expect(report.checks.map((c) => c.name)).toEqual([
      "stock-conservation", "order-stock", "unpaid-past-expiry", "order-totals", "ledger-entries", "order-status", "catalog-figures", "rating-figures",
      ...payoutChecks.map((c) => c.name),
    ]);
  });

  it("writes a stock history in which every variant's rows add up to its stock", async () => {
    const [row] = await db().$queryRaw<{ variants: number; moved: number }[]>`
      SELECT (SELECT count(*)::int FROM "variants") AS "variants", (SELECT count(DISTINCT "variant_id")::int FROM "stock_movements") AS "moved"`;
    expect(row!.moved).toBeGreaterThan(row!.variants * 0.8); // variants never stocked nor ordered have no row
    expect(await db().stockMovement.count({ where: { reason: "ORDER" } })).toBeGreaterThan(0);
    expect(await db().stockMovement.count({ where: { reason: { in: ["CANCEL", "REFUND"] } } })).toBeGreaterThan(0);
  });
});

describe("after the app's own writes", () => {
  async function shopWith(stock: number) {
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(db(), owner.id);
    const categoryId = (await makeCategory(db())).id;
    const product = await makeProduct(db(), shop.id, categoryId, { variants: [{ priceCents: 1250, stock }, { priceCents: 990, stock }] });
    return { shop, product, categoryId, seller: (await t.signIn(owner.email)).caller };
  }
  async function buyer() {
    const u = await t.createUser();
    return (await t.signIn(u.email)).caller;
  }

  it("checkouts, payments, buyer and seller cancellations, refunds, expiry, delivery, reviews and seller edits keep every check green", async () => {
    const a = await shopWith(40);
    const b = await shopWith(40);
    const [va, va2] = a.product.variants.map((v) => v.id) as [string, string];
    const vb = b.product.variants[0]!.id;
    const place = async (buyerCaller: Awaited<ReturnType<typeof buyer>>, lines: [string, number][]) => {
      for (const [variantId, quantity] of lines) await buyerCaller.cart.add({ variantId, quantity });
      return buyerCaller.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: TEST_ADDRESS });
    };
    const partsOf = (orderId: string) => db().sellerOrder.findMany({ where: { orderId }, select: { id: true, shopId: true } });

    // Paid, then delivered and reviewed.
    const ann = await buyer();
    const delivered = await place(ann, [[va, 2], [vb, 1]]);
    await ann.payment.confirmTest({ id: delivered.orderId });
    const soA = (await partsOf(delivered.orderId)).find((p) => p.shopId === a.shop.id)!.id;
    await a.seller.sellerOrder.updateStatus({ id: soA, status: "PROCESSING" });
    await a.seller.sellerOrder.updateStatus({ id: soA, status: "SHIPPED", trackingNumber: "TRACK-1" });
    await a.seller.sellerOrder.updateStatus({ id: soA, status: "DELIVERED" });
    await ann.review.createProduct({ productId: a.product.id, rating: 4, body: "Solid." });
    // Paid, then refunded by the shop (stock back, refund pair in the ledger).
    const bob = await buyer();
    const refunded = await place(bob, [[va2, 3], [vb, 2]]);
    await bob.payment.confirmTest({ id: refunded.orderId });
    const soB = (await partsOf(refunded.orderId)).find((p) => p.shopId === b.shop.id)!.id;
    await b.seller.sellerOrder.cancel({ id: soB });
    // Unpaid, cancelled by the buyer.
    const cat = await buyer();
    const cancelled = await place(cat, [[va, 1]]);
    await cat.order.cancel({ id: cancelled.orderId });
    // Unpaid, expired and swept.
    const dan = await buyer();
    const expired = await place(dan, [[va2, 2], [vb, 1]]);
    await db().order.update({ where: { id: expired.orderId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sweepExpiredOrders({ db: db(), deps: t.deps })).toBeGreaterThanOrEqual(1);
    // Still unpaid, within its hold.
    await place(await buyer(), [[va, 1]]);
    // The seller edits stock both ways (relative to what the form saw, and absolute), adds a variant and lists a new product.
    const current = await a.seller.product.getMine({ id: a.product.id });
    await a.seller.product.update({
      id: a.product.id,
      variants: [
        { id: current.variants[0]!.id, sku: current.variants[0]!.sku, title: "One", priceCents: 1300, stock: current.variants[0]!.stock + 5, stockSeen: current.variants[0]!.stock },
        { id: current.variants[1]!.id, sku: current.variants[1]!.sku, title: "Two", priceCents: 990, stock: 7 },
        { sku: "NEW-1", title: "Three", priceCents: 500, stock: 3 },
      ],
    });
    await a.seller.product.create({ title: "Fresh listing", categoryId: a.categoryId, variants: [{ sku: "FRESH-1", title: "Only", priceCents: 800, stock: 12 }] });

    const report = await doctor();
    expect(failing(report)).toEqual([]);
    const reasons = await db().stockMovement.groupBy({ by: ["reason"], where: { variant: { shopId: { in: [a.shop.id, b.shop.id] } } }, _count: true });
    expect(reasons.map((r) => r.reason).sort()).toEqual(["CANCEL", "EXPIRY", "ORDER", "REFUND", "SEED", "SELLER_EDIT"]);
  });

  it.skipIf(!usingPostgres)("concurrent checkouts of the same variants (some short of stock), payments and cancellations keep every check green", async () => {
    const a = await shopWith(25);
    const b = await shopWith(25);
    const variants = [a.product.variants[0]!.id, b.product.variants[0]!.id];
    const buyers = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const c = await buyer();
      for (const v of i % 2 ? variants : [...variants].reverse()) await c.cart.add({ variantId: v, quantity: 1 });
      return c;
    }));
    const placed = await Promise.allSettled(buyers.map((c) => c.checkout.placeOrder({ idempotencyKey: key(), shippingAddress: TEST_ADDRESS })));
    const ok = placed.flatMap((r, i) => (r.status === "fulfilled" ? [{ caller: buyers[i]!, orderId: r.value.orderId }] : []));
    // At most the 25 units; on a loaded machine some may wait too long for a connection (SERVICE_UNAVAILABLE) instead.
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length).toBeLessThanOrEqual(25);
    const refused = placed.flatMap((r) => (r.status === "rejected" ? [(r.reason as { code: string }).code] : []));
    expect(refused.filter((code) => code !== "PRECONDITION_FAILED" && code !== "SERVICE_UNAVAILABLE")).toEqual([]);
    await Promise.allSettled(ok.map(({ caller, orderId }, i) => (i % 3 === 0 ? caller.order.cancel({ id: orderId }) : caller.payment.confirmTest({ id: orderId }))));
    await Promise.allSettled(ok.slice(0, 12).map(({ caller, orderId }) => caller.order.cancel({ id: orderId })));
    const report = await doctor();
    expect(failing(report)).toEqual([]);
  }, 120_000);
});

/** A corruption, the check that must catch it, and the id it must name. */
interface Corruption {
  check: string;
  corrupt(tx: Tx): Promise<string>;
}

const one = async <T>(tx: Tx, sql: Prisma.Sql) => (await tx.$queryRaw<T[]>(sql))[0]!;

const CORRUPTIONS: Corruption[] = [
  {
    check: "stock-conservation",
    async corrupt(tx) {
      const v = await one<{ id: string }>(tx, Prisma.sql`SELECT "id" FROM "variants" WHERE "stock" > 1 ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" + 1 WHERE "id" = ${v.id}`;
      return v.id;
    },
  },
  {
    check: "order-stock",
    async corrupt(tx) {
      // A cancelled order's units given back a second time (and the variant's stock with them).
      const m = await one<{ variant_id: string; seller_order_id: string; delta: number }>(tx, Prisma.sql`
        SELECT "variant_id", "seller_order_id", "delta" FROM "stock_movements" WHERE "reason" = 'CANCEL' ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`INSERT INTO "stock_movements" ("variant_id", "seller_order_id", "reason", "delta") VALUES (${m.variant_id}, ${m.seller_order_id}, 'CANCEL', ${m.delta})`;
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" + ${m.delta} WHERE "id" = ${m.variant_id}`;
      return m.seller_order_id;
    },
  },
  {
    check: "unpaid-past-expiry",
    async corrupt(tx) {
      const o = await one<{ id: string }>(tx, Prisma.sql`SELECT "id" FROM "orders" WHERE "status" = 'PENDING_PAYMENT' ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "orders" SET "expires_at" = now() - interval '1 hour' WHERE "id" = ${o.id}`;
      return o.id;
    },
  },
  {
    check: "order-totals",
    async corrupt(tx) {
      // (A line's own total is held by a CHECK constraint; its seller order's subtotal is not.)
      const so = await one<{ order_id: string; id: string }>(tx, Prisma.sql`SELECT "order_id", "id" FROM "seller_orders" ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "seller_orders" SET "subtotal_cents" = "subtotal_cents" + 1 WHERE "id" = ${so.id}`;
      return so.order_id;
    },
  },
  {
    check: "ledger-entries",
    async corrupt(tx) {
      const e = await one<{ id: string; seller_order_id: string }>(tx, Prisma.sql`SELECT "id", "seller_order_id" FROM "ledger_entries" WHERE "kind" = 'COMMISSION' ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`DELETE FROM "ledger_entries" WHERE "id" = ${e.id}`;
      return e.seller_order_id;
    },
  },
  {
    check: "order-status",
    async corrupt(tx) {
      const o = await one<{ id: string }>(tx, Prisma.sql`SELECT "id" FROM "orders" WHERE "status" = 'PAID' ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "orders" SET "status" = 'SHIPPED' WHERE "id" = ${o.id}`;
      return o.id;
    },
  },
  {
    check: "catalog-figures",
    async corrupt(tx) {
      const p = await one<{ id: string }>(tx, Prisma.sql`SELECT "id" FROM "products" WHERE "min_price_cents" IS NOT NULL ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "products" SET "min_price_cents" = "min_price_cents" - 1 WHERE "id" = ${p.id}`;
      return p.id;
    },
  },
  {
    check: "rating-figures",
    async corrupt(tx) {
      const r = await one<{ shop_id: string }>(tx, Prisma.sql`SELECT "shop_id" FROM "reviews" WHERE "product_id" IS NULL AND "status" = 'VISIBLE' ORDER BY "id" LIMIT 1`);
      await tx.$executeRaw`UPDATE "shops" SET "rating_5" = "rating_5" + 1 WHERE "id" = ${r.shop_id}`;
      return `shop:${r.shop_id}`;
    },
  },
];

class RolledBack extends Error {}

describe("a corrupted database", () => {
  it("has a corruption for every check", () => {
    expect(CORRUPTIONS.map((c) => c.check).sort()).toEqual(checks().map((c) => c.name).filter((n) => !isPayoutCheck(n)).sort());
  });

  for (const c of CORRUPTIONS) {
    it(`${c.check} turns red and names the row`, async () => {
      const check = checks().find((k) => k.name === c.check)!;
      expect((await runChecks(db(), [check])).ok, "green before").toBe(true);
      // The corruption and the check in one transaction, rolled back: the next test starts clean.
      let seen: { id: string; offending: string[] } | undefined;
      await db()
        .$transaction(async (tx) => {
          const id = await c.corrupt(tx);
          seen = { id, offending: (await check.run(tx)).offending };
          throw new RolledBack();
        }, { timeout: 60_000 })
        .catch((err: unknown) => {
          if (!(err instanceof RolledBack)) throw err;
        });
      expect(seen!.offending).toContain(seen!.id);
      expect((await runChecks(db(), [check])).ok, "green again after the rollback").toBe(true);
    });
  }
});

describe("SECURITY 52: the doctor only reads, in one snapshot", () => {
  it("runs in a REPEATABLE READ READ ONLY transaction: a check that tries to write fails, and nothing is written", async () => {
    const before = await db().variant.aggregate({ _sum: { stock: true } });
    const report = await runChecks(db(), [
      {
        name: "isolation",
        description: "reports the transaction's settings",
        async run(tx) {
          const [row] = await tx.$queryRaw<{ iso: string; ro: string }[]>`SELECT current_setting('transaction_isolation') AS "iso", current_setting('transaction_read_only') AS "ro"`;
          return { checked: 1, offending: row!.iso === "repeatable read" && row!.ro === "on" ? [] : [`${row!.iso}/${row!.ro}`] };
        },
      },
      { name: "writer", description: "tries to write", run: async (tx) => ({ checked: await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" + 1`, offending: [] }) },
      { name: "after", description: "still runs after a failed check", run: async () => ({ checked: 1, offending: [] }) },
    ]);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([["isolation", true], ["writer", false], ["after", true]]);
    expect(report.checks[1]!.error).toMatch(/read-only transaction/);
    expect(report.ok).toBe(false);
    expect(await db().variant.aggregate({ _sum: { stock: true } })).toEqual(before);
  });

  it("calls made while a run is under way share it", async () => {
    const ctx = { db: db(), deps: t.deps };
    const first = runDoctor(ctx);
    expect(runDoctor(ctx)).toBe(first);
    await first;
    const second = runDoctor(ctx);
    expect(second).not.toBe(first);
    await second;
  });

  it("admin.doctor answers admins only", async () => {
    const admin = await t.createUser({ role: "ADMIN" });
    const report = await (await t.signIn(admin.email)).caller.admin.doctor();
    expect(report.checks.map((c) => c.name)).toContain("stock-conservation");
    const seller = await t.createUser({ role: "SELLER" });
    await expect((await t.signIn(seller.email)).caller.admin.doctor()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await t.anon()).admin.doctor()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
