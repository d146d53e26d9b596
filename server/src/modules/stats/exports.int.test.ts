import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { ledgerCsv, orderLinesCsv } from "./exports.service.ts";
import { resolvePeriod } from "./period.ts";
import { seedStatsFixture } from "./stats-fixture.ts";

/** The CSV exports on the fixture of stats-fixture.ts, through HTTP as the browser downloads them. */
let t: TestApp;
let server: MarketplaceServer;
let fx: Awaited<ReturnType<typeof seedStatsFixture>>;
const cookie = {} as Record<"admin" | "alpha" | "buyer", string>;
const PERIOD = "from=2026-01-10&to=2026-01-13";

beforeAll(async () => {
  t = await createTestApp({ config: { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0", STATS_ROLLUP_INTERVAL_SECONDS: "0", MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" } });
  fx = await seedStatsFixture(t);
  // What a spreadsheet would run: a title snapshot and a buyer's name written as formulas.
  await t.database.prisma.orderItem.updateMany({ where: { productId: fx.pin.id }, data: { productTitle: "=cmd|' /C calc'!A0" } });
  await t.database.prisma.user.update({ where: { id: fx.bea.id }, data: { name: '@SUM(1+1), "Bea"' } });
  server = await createServer(t.deps);
  await server.app.ready();
  const admin = await t.createUser({ role: "ADMIN" });
  cookie.admin = `session=${(await t.signIn(admin.email)).token}`;
  cookie.alpha = `session=${(await t.signIn(fx.a.owner.email)).token}`;
  cookie.buyer = `session=${(await t.signIn(fx.bea.email)).token}`;
});
afterAll(async () => {
  await server.stop();
});

const get = (url: string, who?: keyof typeof cookie) => server.app.inject({ method: "GET", url, headers: who ? { cookie: cookie[who] } : {} });
const lines = (body: string) => body.split("\r\n").filter(Boolean);

describe("CSV exports", () => {
  it("give a shop its own orders, one line per item, money as decimals, formulas defused", async () => {
    const res = await get(`/exports/shop-orders.csv?${PERIOD}`, "alpha");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="alpha-.*-orders-2026-01-10-2026-01-13\.csv"$/);
    const [header, ...rows] = lines(res.body);
    expect(header).toBe("order_id,seller_order_id,placed_at,paid_at,status,shop,buyer,product,variant,sku,quantity,unit_price,line_total,currency");
    // Alpha's parts of orders 1, 2, 4 and 5, in the order they were placed.
    expect(rows.map((r) => r.split(",").slice(2, 5).concat(r.split(",").slice(-4)))).toEqual([
      ["2026-01-10T15:00:00.000Z", "2026-01-10T15:00:00.000Z", "PAID", "2", "20.00", "40.00", "USD"],
      ["2026-01-11T03:30:00.000Z", "2026-01-11T03:30:00.000Z", "PAID", "1", "5.00", "5.00", "USD"],
      ["2026-01-12T20:00:00.000Z", "", "CANCELLED", "1", "20.00", "20.00", "USD"],
      ["2026-01-13T10:00:00.000Z", "2026-01-13T10:00:00.000Z", "SHIPPED", "1", "20.00", "20.00", "USD"],
    ]);
    expect(rows[1]).toContain(`,"'@SUM(1+1), ""Bea""",'=cmd|' /C calc'!A0,`);
    expect(res.body).not.toContain("Tea");
  });

  it("give admins every order and the ledger (a refund as a negative decimal)", async () => {
    const orders = await get(`/exports/orders.csv?${PERIOD}`, "admin");
    expect(orders.statusCode).toBe(200);
    expect(lines(orders.body)).toHaveLength(1 + 6);
    const ledger = await get(`/exports/ledger.csv?${PERIOD}`, "admin");
    const rows = lines(ledger.body).slice(1).map((r) => r.split(","));
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r[5] === "REFUND").map((r) => [r[3], r[6], r[7]])).toEqual([["Beta", "-30.00", "USD"]]);
    expect(rows.reduce((n, r) => n + Math.round(Number(r[6]) * 100), 0)).toBe(10500 - 1050 - 3000 + 300);
  });

  it("stream in batches without losing or repeating a row", async () => {
    const period = resolvePeriod({ from: "2026-01-10", to: "2026-01-13" }, "UTC");
    const collect = async (gen: AsyncGenerator<string>) => {
      let all = "";
      for await (const chunk of gen) all += chunk;
      return all;
    };
    expect(await collect(orderLinesCsv(t.database.prisma, period, null, 2))).toBe(await collect(orderLinesCsv(t.database.prisma, period, null)));
    expect(await collect(ledgerCsv(t.database.prisma, period, 5))).toBe(await collect(ledgerCsv(t.database.prisma, period)));
  });

  it("are for their owners: signed in, an admin for all orders and the ledger, a period that makes sense", async () => {
    expect((await get(`/exports/shop-orders.csv?${PERIOD}`)).statusCode).toBe(401);
    expect((await get(`/exports/orders.csv?${PERIOD}`, "alpha")).statusCode).toBe(403);
    expect((await get(`/exports/ledger.csv?${PERIOD}`, "buyer")).statusCode).toBe(403);
    expect((await get(`/exports/shop-orders.csv?${PERIOD}`, "buyer")).statusCode).toBe(404);
    const bad = await get("/exports/shop-orders.csv?from=2026-01-13&to=2026-01-10", "alpha");
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ fieldErrors: { to: ["Must not be before the start"] } });
  });
});
