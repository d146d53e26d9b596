import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { usingPostgres } from "../../test/db.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { rebuildAllRollups, refreshRollups, startRollupRebuilder } from "./rollup-rebuilder.ts";
import { seedStatsFixture } from "./stats-fixture.ts";

/**
 * The rollups (per shop, per product, the platform's sums, per month × shop, and the paying
 * buyers' daily and monthly bitmaps) against an oracle computed here, in TypeScript, from the source rows: after
 * incremental runs that follow real orders, payments, refunds and cancellations, after a full
 * rebuild, in two time zones, and after runs that were missed (a process that crashed).
 */
let t: TestApp;
const db = () => t.database.prisma;

beforeAll(async () => {
  t = await createTestApp({ config: { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0", MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" } });
});
afterAll(() => t.close());

const localDay = (at: Date, tz: string) => new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);

type Row = Record<string, number | string>;

/** sales_daily and product_sales_daily as they should be, from seller orders, items and the ledger. */
async function oracle(tz: string) {
  const orders = await db().sellerOrder.findMany({ select: { id: true, shopId: true, currency: true, status: true, createdAt: true, items: { select: { productId: true, quantity: true, lineTotalCents: true } } } });
  const ledger = await db().ledgerEntry.findMany({ select: { sellerOrderId: true, shopId: true, currency: true, kind: true, amountCents: true, createdAt: true } });
  const sales = new Map<string, Row>();
  const row = (day: string, shopId: string, currency: string) => {
    const key = `${day}|${shopId}|${currency}`;
    let r = sales.get(key);
    if (!r) {
      r = { day, shopId, currency, placed_pending: 0, placed_paid: 0, placed_processing: 0, placed_shipped: 0, placed_delivered: 0, placed_cancelled: 0, placed_refunded: 0, orders_paid: 0, units_paid: 0, gross_cents: 0, commission_cents: 0, refunds: 0, refund_cents: 0, commission_refund_cents: 0 };
      sales.set(key, r);
    }
    return r as Record<string, number>;
  };
  const products = new Map<string, Row>();
  for (const so of orders) row(localDay(so.createdAt, tz), so.shopId, so.currency)[`placed_${so.status.toLowerCase().replace("pending_payment", "pending")}`]! += 1;
  for (const le of ledger) {
    const r = row(localDay(le.createdAt, tz), le.shopId, le.currency);
    const day = localDay(le.createdAt, tz);
    if (le.kind === "SALE") {
      r.orders_paid! += 1;
      r.gross_cents! += le.amountCents;
      for (const it of orders.find((o) => o.id === le.sellerOrderId)!.items) {
        r.units_paid! += it.quantity;
        const key = `${day}|${it.productId}|${le.currency}`;
        const p = (products.get(key) ?? products.set(key, { day, productId: it.productId, currency: le.currency, shopId: le.shopId, units: 0, revenue_cents: 0 }).get(key)!) as Record<string, number>;
        p.units! += it.quantity;
        p.revenue_cents! += it.lineTotalCents;
      }
    }
    if (le.kind === "COMMISSION") r.commission_cents! -= le.amountCents;
    if (le.kind === "REFUND") {
      r.refunds! += 1;
      r.refund_cents! -= le.amountCents;
    }
    if (le.kind === "COMMISSION_REFUND") r.commission_refund_cents! += le.amountCents;
  }
  const platform = new Map<string, Row>();
  for (const r of sales.values()) {
    const key = `${r.day}|${r.currency}`;
    const p = (platform.get(key) ?? platform.set(key, { day: r.day!, currency: r.currency! }).get(key)!) as Record<string, number>;
    for (const [k, v] of Object.entries(r)) if (typeof v === "number") p[k] = (p[k] ?? 0) + v;
  }
  // Per month × shop: gross and units summed, and the most one product of the shop sold that month.
  const monthly = new Map<string, Row>();
  const month = (day: string | number) => `${String(day).slice(0, 7)}-01`;
  const monthRow = (m: string, shopId: string, currency: string) => {
    const key = `${m}|${shopId}|${currency}`;
    return (monthly.get(key) ?? monthly.set(key, { month: m, currency, shopId, gross_cents: 0, units_paid: 0, top_product_cents: 0 }).get(key)!) as Record<string, number>;
  };
  for (const r of sales.values()) {
    const m = monthRow(month(r.day!), String(r.shopId), String(r.currency));
    m.gross_cents! += Number(r.gross_cents);
    m.units_paid! += Number(r.units_paid);
  }
  const productMonths = new Map<string, { m: string; shopId: string; currency: string; cents: number }>();
  for (const p of products.values()) {
    const key = `${month(p.day!)}|${p.productId}|${p.currency}`;
    const pm = productMonths.get(key) ?? productMonths.set(key, { m: month(p.day!), shopId: String(p.shopId), currency: String(p.currency), cents: 0 }).get(key)!;
    pm.cents += Number(p.revenue_cents);
  }
  for (const pm of productMonths.values()) {
    const m = monthRow(pm.m, pm.shopId, pm.currency);
    m.top_product_cents = Math.max(m.top_product_cents!, pm.cents);
  }
  // The buyers with an order paid each day, whatever its currency.
  const paid = await db().order.findMany({ where: { paidAt: { not: null } }, select: { buyerId: true, paidAt: true } });
  const buyerDays = [...new Set(paid.map((o) => `${localDay(o.paidAt!, tz)}|${o.buyerId}`))].map((k) => ({ day: k.split("|")[0]!, buyerId: k.split("|")[1]! }));
  // And each month (of the local day).
  const buyerMonths = [...new Set(buyerDays.map((d) => `${month(d.day)}|${d.buyerId}`))].map((k) => ({ month: k.split("|")[0]!, buyerId: k.split("|")[1]! }));
  const sort = (rows: Row[]) => rows.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  return {
    sales: sort([...sales.values()]),
    products: sort([...products.values()]),
    platform: sort([...platform.values()]),
    monthly: sort([...monthly.values()]),
    buyerDays: sort(buyerDays),
    buyerMonths: sort(buyerMonths),
  };
}

/** The rollup tables as they are, in the oracle's shape. */
async function rollups() {
  const sales = await db().$queryRaw<Row[]>`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", "shop_id" AS "shopId", "currency", "placed_pending"::int, "placed_paid"::int, "placed_processing"::int,
           "placed_shipped"::int, "placed_delivered"::int, "placed_cancelled"::int, "placed_refunded"::int, "orders_paid"::int, "units_paid"::int,
           "gross_cents"::int, "commission_cents"::int, "refunds"::int, "refund_cents"::int, "commission_refund_cents"::int
      FROM "sales_daily"`;
  const products = await db().$queryRaw<Row[]>`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", "product_id" AS "productId", "currency", "shop_id" AS "shopId", "units"::int, "revenue_cents"::int
      FROM "product_sales_daily"`;
  const platform = await db().$queryRaw<Row[]>`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", "currency", "placed_pending"::int, "placed_paid"::int, "placed_processing"::int,
           "placed_shipped"::int, "placed_delivered"::int, "placed_cancelled"::int, "placed_refunded"::int, "orders_paid"::int, "units_paid"::int,
           "gross_cents"::int, "commission_cents"::int, "refunds"::int, "refund_cents"::int, "commission_refund_cents"::int
      FROM "platform_sales_daily"`;
  const monthly = await db().$queryRaw<Row[]>`
    SELECT to_char("month", 'YYYY-MM-DD') AS "month", "currency", "shop_id" AS "shopId", "gross_cents"::int, "units_paid"::int, "top_product_cents"::int
      FROM "shop_sales_monthly"`;
  // The bitmaps read back as (day, buyer) pairs: bit (number mod 8192) of the number's chunk.
  const buyerDays = await db().$queryRaw<Row[]>`
    SELECT to_char(p."day", 'YYYY-MM-DD') AS "day", n."buyer_id" AS "buyerId"
      FROM "paying_buyers_daily" p
      JOIN "stats_buyer_numbers" n ON n."buyer_no" / 8192 = p."chunk" AND get_bit(p."buyers", n."buyer_no" % 8192) = 1`;
  const buyerMonths = await db().$queryRaw<Row[]>`
    SELECT to_char(p."month", 'YYYY-MM-DD') AS "month", n."buyer_id" AS "buyerId"
      FROM "paying_buyers_monthly" p
      JOIN "stats_buyer_numbers" n ON n."buyer_no" / 8192 = p."chunk" AND get_bit(p."buyers", n."buyer_no" % 8192) = 1`;
  const [empty] = await db().$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "paying_buyers_daily" WHERE bit_count("buyers") = 0)
            + (SELECT count(*) FROM "paying_buyers_monthly" WHERE bit_count("buyers") = 0))::int AS "n"`;
  expect(empty?.n, "no bitmap row without a buyer").toBe(0);
  const sort = (rows: Row[]) => rows.map((r) => ({ ...r })).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
  return { sales: sort(sales), products: sort(products), platform: sort(platform), monthly: sort(monthly), buyerDays: sort(buyerDays), buyerMonths: sort(buyerMonths) };
}

describe("sales rollups", () => {
  it("follow real orders run by run: payments, a seller's refund, a buyer's cancellation, shipping", async () => {
    expect(await refreshRollups(db(), "UTC")).toMatchObject({ outcome: "full" });
    const categoryId = (await makeCategory(db())).id;
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(db(), owner.id);
    const product = await makeProduct(db(), shop.id, categoryId, { variants: [{ priceCents: 1250, stock: 100 }] });
    const seller = (await t.signIn(owner.email)).caller;
    const u = await t.createUser();
    const buyer = (await t.signIn(u.email)).caller;
    const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
    const place = async (quantity: number, key: string) => {
      await buyer.cart.add({ variantId: product.variants[0]!.id, quantity });
      return (await buyer.checkout.placeOrder({ idempotencyKey: key, shippingAddress: address })).orderId;
    };
    const step = async () => {
      expect(await refreshRollups(db(), "UTC")).toMatchObject({ outcome: "incremental" });
      expect(await rollups()).toEqual(await oracle("UTC"));
    };
    const first = await place(2, "rollup-run-1");
    await step();
    await buyer.payment.confirmTest({ id: first });
    await step();
    const part = (await db().sellerOrder.findFirstOrThrow({ where: { orderId: first } })).id;
    await seller.sellerOrder.cancel({ id: part });
    await step();
    const second = await place(1, "rollup-run-2");
    await buyer.order.cancel({ id: second });
    const third = await place(3, "rollup-run-3");
    await buyer.payment.confirmTest({ id: third });
    const thirdPart = (await db().sellerOrder.findFirstOrThrow({ where: { orderId: third } })).id;
    await seller.sellerOrder.updateStatus({ id: thirdPart, status: "PROCESSING" });
    await step();
    const [today] = await rollups().then((r) => r.sales);
    expect(today).toMatchObject({ placed_refunded: 1, placed_cancelled: 1, placed_processing: 1, orders_paid: 2, gross_cents: 6250, refunds: 1, refund_cents: 2500, units_paid: 5 });
    // A second run with nothing new changes nothing.
    const before = await rollups();
    await refreshRollups(db(), "UTC");
    expect(await rollups()).toEqual(before);
  }, 180_000); // a dozen real procedures, runs and oracles: minutes when six engineers share two cores

  it("catch up after missed runs, equal a full rebuild, and move their days with the time zone", async () => {
    await refreshRollups(db(), "UTC");
    // Orders over several days, with no run in between (as if every process were down).
    await seedStatsFixture(t);
    expect(await refreshRollups(db(), "UTC")).toMatchObject({ outcome: "incremental" });
    const incremental = await rollups();
    expect(incremental).toEqual(await oracle("UTC"));
    expect(await rebuildAllRollups(db(), "UTC")).toMatchObject({ outcome: "full" });
    expect(await rollups()).toEqual(incremental);
    // Order 2 (2026-01-11 03:30 UTC) belongs to 01-10 in New York: a new time zone rebuilds in full.
    expect(await refreshRollups(db(), "America/New_York")).toMatchObject({ outcome: "full" });
    const ny = await rollups();
    expect(ny).toEqual(await oracle("America/New_York"));
    expect(ny).not.toEqual(incremental);
  }, 180_000);

  // PGlite has one connection: a second process cannot exist there.
  it.runIf(usingPostgres)("skips a round while another process holds the lock", async () => {
    await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x5ea1e5_01}::bigint)`;
      expect(await refreshRollups(db(), "America/New_York")).toEqual({ outcome: "skipped" });
    });
  });
});

describe("the rebuilder a process runs", () => {
  it("stopping waits for a round under way: the database closes after it, not in its middle", async () => {
    await db().statsRollupState.deleteMany(); // the next round rebuilds everything: long enough to be caught in the middle
    const errors: unknown[] = [];
    const rebuilder = startRollupRebuilder(db(), { timeZone: "UTC", intervalSeconds: 3600 }, (err) => errors.push(err));
    await new Promise((r) => setTimeout(r, 1)); // its first round starts at once
    await rebuilder.stop();
    expect(await db().statsRollupState.findUnique({ where: { id: 1 } })).toMatchObject({ rebuiltAt: expect.any(Date) });
    expect(errors).toEqual([]);
  });
});
