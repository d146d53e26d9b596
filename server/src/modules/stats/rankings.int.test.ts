import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { eachDay, type DaySpan } from "./period.ts";
import { topProducts, topShops } from "./rollup-queries.ts";

/**
 * The top-10 rankings of every shop (rollup-queries.ts) read only the shops that may rank: they
 * must give what ranking every shop and product over the span's day rows gives. Rollup rows are
 * written here directly (the rankings read nothing else): 30 shops of 2 products over four months,
 * with shops that lead a single month each and one steady shop that never leads a month but leads
 * every long span, so that the probe's threshold is not the answer and the bars do the pruning.
 */
let t: TestApp;
const db = () => t.database.prisma;
const FIRST = "2026-01-01";
const LAST = "2026-04-30";
const SHOPS = 30;

interface DayRow {
  day: string;
  shopId: string;
  productId: string;
  cents: number;
  units: number;
}
const rows: DayRow[] = [];

/** A small deterministic generator (mulberry32): the same rows on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  t = await createTestApp({ config: { STATS_ROLLUP_INTERVAL_SECONDS: "0", SWEEP_INTERVAL_SECONDS: "0" } });
  const categoryId = (await makeCategory(db())).id;
  const rand = random(15);
  const days = eachDay({ from: FIRST, to: LAST });
  for (let s = 0; s < SHOPS; s++) {
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(db(), owner.id, { name: `Ranked ${s}` });
    const products = [await makeProduct(db(), shop.id, categoryId), await makeProduct(db(), shop.id, categoryId)];
    // Shop 0 sells steadily; shops 1–12 sell a lot in one month only (their month: s mod 4); the rest a little, on some days.
    for (const day of days) {
      const month = Number(day.slice(5, 7)) - 1;
      const sells = s === 0 ? true : s <= 12 ? month === s % 4 : rand() < 0.3;
      if (!sells) continue;
      const base = s === 0 ? 1_000 : s <= 12 ? 2_500 + s * 10 : 300;
      for (const [k, p] of products.entries()) {
        const cents = Math.round(base * (k === 0 ? 0.7 : 0.3) * (0.5 + rand())) + s;
        rows.push({ day, shopId: shop.id, productId: p.id, cents, units: 1 + Math.floor(rand() * 3) });
      }
    }
  }
  await writeRollups(rows);
}, 120_000);
afterAll(() => t.close());

/** sales_daily, product_sales_daily and shop_sales_monthly of the rows, as the rebuilder derives them. */
async function writeRollups(all: DayRow[]) {
  const sum = <K extends string>(key: (r: DayRow) => K) => {
    const out = new Map<K, { cents: number; units: number; r: DayRow }>();
    for (const r of all) {
      const o = out.get(key(r)) ?? out.set(key(r), { cents: 0, units: 0, r }).get(key(r))!;
      o.cents += r.cents;
      o.units += r.units;
    }
    return [...out.values()];
  };
  const month = (day: string) => `${day.slice(0, 7)}-01`;
  for (const { r } of sum((r) => `${r.day}|${r.productId}`)) {
    await db().$executeRaw`INSERT INTO "product_sales_daily" ("day", "product_id", "currency", "shop_id", "units", "revenue_cents")
      VALUES (${r.day}::date, ${r.productId}, 'USD', ${r.shopId}, ${r.units}, ${r.cents})`;
  }
  for (const { r, cents, units } of sum((r) => `${r.day}|${r.shopId}`)) {
    await db().$executeRaw`INSERT INTO "sales_daily" ("day", "shop_id", "currency", "gross_cents", "units_paid") VALUES (${r.day}::date, ${r.shopId}, 'USD', ${cents}, ${units})`;
  }
  const productMonths = sum((r) => `${month(r.day)}|${r.productId}`);
  for (const { r, cents, units } of sum((r) => `${month(r.day)}|${r.shopId}`)) {
    const top = Math.max(...productMonths.filter((p) => p.r.shopId === r.shopId && month(p.r.day) === month(r.day)).map((p) => p.cents));
    await db().$executeRaw`INSERT INTO "shop_sales_monthly" ("month", "currency", "shop_id", "gross_cents", "units_paid", "top_product_cents")
      VALUES (${month(r.day)}::date, 'USD', ${r.shopId}, ${cents}, ${units}, ${top})`;
  }
}

/** The 10 first of every shop or product over the span, by the sum of its day rows (then by id). */
function expected(span: DaySpan, key: "shopId" | "productId") {
  const sums = new Map<string, { id: string; revenueCents: number; units: number; series: number[] }>();
  const days = eachDay(span);
  for (const r of rows) {
    const i = days.indexOf(r.day);
    if (i < 0) continue;
    const id = r[key];
    const s = sums.get(id) ?? sums.set(id, { id, revenueCents: 0, units: 0, series: days.map(() => 0) }).get(id)!;
    s.revenueCents += r.cents;
    s.units += r.units;
    s.series[i] = s.series[i]! + r.cents;
  }
  const ranked = [...sums.values()].sort((a, b) => b.revenueCents - a.revenueCents || (a.id < b.id ? -1 : 1)).slice(0, 10);
  expect(new Set(ranked.map((r) => r.revenueCents)).size, "no ties: the order does not depend on how ids compare").toBe(ranked.length);
  return ranked;
}

const spans: DaySpan[] = [
  { from: FIRST, to: LAST },
  { from: "2026-01-20", to: "2026-04-10" },
  { from: "2026-02-01", to: "2026-02-28" },
  { from: "2026-03-15", to: "2026-03-16" },
  { from: "2026-02-10", to: "2026-03-20" },
];

describe("top-10 rankings of every shop", () => {
  it.each(spans)("equal a ranking of every shop's day rows ($from … $to)", async (span) => {
    const shops = await topShops(db(), span, "USD");
    expect(shops.map(({ id, revenueCents, units, series }) => ({ id, revenueCents, units, series }))).toEqual(expected(span, "shopId"));
    const products = await topProducts(db(), span, "USD", null);
    expect(products.map(({ id, revenueCents, units, series }) => ({ id, revenueCents, units, series }))).toEqual(expected(span, "productId"));
  });

  it("rank the steady shop first over four months though it leads none of them", async () => {
    const whole = await topShops(db(), { from: FIRST, to: LAST }, "USD");
    expect(whole[0]?.name).toBe("Ranked 0");
    const [january] = await db().$queryRaw<{ shopId: string }[]>`
      SELECT "shop_id" AS "shopId" FROM "shop_sales_monthly" WHERE "month" = '2026-01-01' ORDER BY "gross_cents" DESC LIMIT 1`;
    expect(january?.shopId).not.toBe(whole[0]?.id);
  });

  it("answer nothing in a currency nobody sold in", async () => {
    expect(await topShops(db(), { from: FIRST, to: LAST }, "EUR")).toEqual([]);
    expect(await topProducts(db(), { from: FIRST, to: LAST }, "EUR", null)).toEqual([]);
  });
});
