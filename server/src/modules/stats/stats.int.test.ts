import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { seedStatsFixture } from "./stats-fixture.ts";

/**
 * admin.stats and seller.stats on the fixture of stats-fixture.ts (its table says what happened
 * when), for the days 2026-01-10 … 2026-01-13 against the four days before; every expected
 * value below is worked out by hand from that table, in UTC and in New York (UTC−5 in January).
 */
let t: TestApp;
let fx: Awaited<ReturnType<typeof seedStatsFixture>>;
let adminEmail: string;
const period = { from: "2026-01-10", to: "2026-01-13" };

beforeAll(async () => {
  t = await createTestApp({ config: { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0", STATS_ROLLUP_INTERVAL_SECONDS: "0", MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" } });
  fx = await seedStatsFixture(t);
  adminEmail = (await t.createUser({ role: "ADMIN" })).email;
  // A shop waiting for approval, and a reported review: the admin's queues.
  const hopeful = await t.createUser({ role: "SELLER" });
  await makeShop(t.database.prisma, hopeful.id, { status: "PENDING" });
  await t.database.prisma.shop.updateMany({ where: { ownerId: hopeful.id }, data: { createdAt: new Date("2025-06-01T00:00:00Z") } });
  await t.database.prisma.user.update({ where: { id: hopeful.id }, data: { createdAt: new Date("2025-06-01T00:00:00Z") } });
  await t.database.prisma.review.updateMany({ where: { rating: 2 }, data: { reportCount: 1 } });
  // Two emails that failed every try and one still to send: only the dead ones wait for an admin.
  await t.database.prisma.mailOutbox.createMany({
    data: [
      { toAddress: "a@example.test", template: "shop_approved", status: "DEAD", attempts: 8 },
      { toAddress: "b@example.test", template: "shop_approved", status: "DEAD", attempts: 8 },
      { toAddress: "c@example.test", template: "shop_approved" },
    ],
  });
});
afterAll(() => t.close());

const admin = async () => (await t.signIn(adminEmail)).caller;
const inZone = (timeZone: string) => {
  t.deps = { ...t.deps, config: { ...t.deps.config, STATS_TIME_ZONE: timeZone } };
};
const fig = (value: number, previous: number, changePct: number | null) => ({ value, previous, changePct });

describe("admin.stats", () => {
  it("gives the platform's figures, series, statuses, top shops and products and queues (UTC)", async () => {
    inZone("UTC");
    const s = await (await admin()).admin.stats(period);
    expect(s.period).toEqual({ from: "2026-01-10", to: "2026-01-13", days: 4, timeZone: "UTC", previous: { from: "2026-01-06", to: "2026-01-09" } });
    expect(s.currency).toBe("USD");
    expect(s.figures).toEqual({
      gmvCents: fig(10500, 0, null),
      commissionCents: fig(750, 0, null),
      orders: fig(5, 0, null),
      averageOrderCents: fig(2100, 0, null),
      payingBuyers: fig(3, 0, null),
      newUsers: fig(3, 0, null),
      newShops: fig(0, 0, 0),
      refundRatePct: fig(20, 0, null),
      cancellationRatePct: fig(16.7, 0, null),
      reviews: fig(2, 0, null),
      averageRating: fig(3.5, 0, null),
    });
    expect(s.series).toEqual([
      { day: "2026-01-10", gmvCents: 4000, orders: 1, newUsers: 1 },
      { day: "2026-01-11", gmvCents: 1500, orders: 2, newUsers: 0 },
      { day: "2026-01-12", gmvCents: 3000, orders: 1, newUsers: 1 },
      { day: "2026-01-13", gmvCents: 2000, orders: 1, newUsers: 1 },
    ]);
    expect(s.ordersByStatus).toEqual({ PENDING_PAYMENT: 0, PAID: 3, PROCESSING: 0, SHIPPED: 1, DELIVERED: 0, CANCELLED: 1, REFUNDED: 1 });
    expect(s.topShops.map(({ name, revenueCents, units, series }) => ({ name, revenueCents, units, series }))).toEqual([
      { name: "Alpha", revenueCents: 6500, units: 4, series: [4000, 500, 0, 2000] },
      { name: "Beta", revenueCents: 4000, units: 4, series: [0, 1000, 3000, 0] },
    ]);
    expect(s.topProducts.map(({ name, shopName, revenueCents, units, series }) => ({ name, shopName, revenueCents, units, series }))).toEqual([
      { name: "Mug", shopName: "Alpha", revenueCents: 6000, units: 3, series: [4000, 0, 0, 2000] },
      { name: "Tea", shopName: "Beta", revenueCents: 4000, units: 4, series: [0, 1000, 3000, 0] },
      { name: "Pin", shopName: "Alpha", revenueCents: 500, units: 1, series: [0, 500, 0, 0] },
    ]);
    expect(s.queues).toEqual({ pendingShops: 1, reportedReviews: 1, deadMail: 2 });
  });

  it("moves each day's boundary to the platform's time zone (New York)", async () => {
    inZone("America/New_York");
    const s = await (await admin()).admin.stats(period);
    // Order 2 (03:30 UTC on the 11th) is the evening of the 10th; Bea signed up on the 9th, Dan on the 12th.
    expect(s.series).toEqual([
      { day: "2026-01-10", gmvCents: 5500, orders: 3, newUsers: 0 },
      { day: "2026-01-11", gmvCents: 0, orders: 0, newUsers: 0 },
      { day: "2026-01-12", gmvCents: 3000, orders: 1, newUsers: 2 },
      { day: "2026-01-13", gmvCents: 2000, orders: 1, newUsers: 0 },
    ]);
    expect(s.figures.newUsers).toEqual(fig(2, 1, 100));
    expect(s.figures.gmvCents).toEqual(fig(10500, 0, null));
    // The period before, alone: Bea's sign-up and nothing sold.
    const before = await (await admin()).admin.stats({ from: "2026-01-09", to: "2026-01-09" });
    expect(before.figures.newUsers.value).toBe(1);
    expect(before.figures.gmvCents.value).toBe(0);
    // One day in New York against the day before it.
    const one = await (await admin()).admin.stats({ from: "2026-01-13", to: "2026-01-13" });
    expect(one.figures.gmvCents).toEqual(fig(2000, 3000, -33.3));
    expect(one.figures.refundRatePct).toEqual(fig(100, 0, null));
    inZone("UTC");
  });

  it("is for admins only, and refuses a period that ends before it starts", async () => {
    await expect((await t.anon()).admin.stats({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect((await fx.a.caller()).admin.stats({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(fx.bea.caller.admin.stats({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await admin()).admin.stats({ from: "2026-01-13", to: "2026-01-10" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect((await admin()).admin.stats({ period: "custom", from: "2026-01-13" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("seller.stats", () => {
  it("gives the caller's own shop only: revenue, net, orders, units, refunds, balance, series, waiting orders", async () => {
    inZone("UTC");
    const alpha = await (await fx.a.caller()).seller.stats(period);
    expect(alpha.figures).toEqual({
      revenueCents: fig(6500, 0, null),
      netCents: fig(5850, 0, null),
      orders: fig(3, 0, null),
      units: fig(4, 0, null),
      averageOrderCents: fig(2167, 0, null),
      refunds: fig(0, 0, 0),
      refundCents: fig(0, 0, 0),
    });
    expect(alpha.balanceCents).toBe(5850);
    expect(alpha.series.map((d) => d.revenueCents)).toEqual([4000, 500, 0, 2000]);
    expect(alpha.ordersByStatus).toMatchObject({ PAID: 2, SHIPPED: 1, CANCELLED: 1, REFUNDED: 0 });
    expect(alpha.topProducts.map((p) => [p.name, p.revenueCents])).toEqual([["Mug", 6000], ["Pin", 500]]);
    expect(alpha.awaitingShipment.count).toBe(2);

    const beta = await (await fx.b.caller()).seller.stats(period);
    expect(beta.figures).toMatchObject({ revenueCents: fig(4000, 0, null), netCents: fig(900, 0, null), orders: fig(2, 0, null), units: fig(4, 0, null), refunds: fig(1, 0, null), refundCents: fig(3000, 0, null) });
    expect(beta.balanceCents).toBe(900);
    expect(beta.series.map((d) => [d.revenueCents, d.netCents])).toEqual([[0, 0], [1000, 900], [3000, 2700], [0, -2700]]);
    expect(beta.awaitingShipment.count).toBe(1);
  });

  it("is for a shop's owner: a buyer or an admin without a shop has none", async () => {
    await expect((await t.anon()).seller.stats({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(fx.bea.caller.seller.stats({})).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await admin()).seller.stats({})).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A shopId is a choice among the caller's own shops (shop teams): another shop's is refused.
    await expect((await fx.a.caller()).seller.stats({ shopId: fx.b.shop.id } as never)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
