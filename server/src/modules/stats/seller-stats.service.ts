import type { StatsInput } from "@marketplace/shared";
import type { ShopScope } from "../../scope.ts";
import { figure } from "./admin-stats.service.ts";
import { refreshIfStale } from "./freshness.ts";
import { resolvePeriod } from "./period.ts";
import { currenciesSold, salesSeries, salesTotals, topProducts, type SalesTotals } from "./rollup-queries.ts";

const net = (t: SalesTotals) => t.grossCents - t.commissionCents - t.refundCents + t.commissionRefundCents;

/**
 * The caller's shop for a period and the one before: revenue (sales booked when paid), net after
 * commission and refunds, orders, units, average order value, refunds; the balance of its whole
 * ledger; revenue per day; top products; paid orders waiting to ship, oldest first, with their
 * age; its rating per month over the last year. The shop comes from `ctx`, never from the input.
 */
export async function sellerStats(ctx: ShopScope, input: StatsInput) {
  const timeZone = ctx.deps.config.STATS_TIME_ZONE;
  await refreshIfStale(ctx.db, timeZone);
  const shopId = ctx.shop.id;
  const period = resolvePeriod(input, timeZone);
  const currencies = await currenciesSold(ctx.db, period, shopId);
  const currency = input.currency ?? currencies[0] ?? "USD";
  const [totals, series, products, balance, waiting, rating] = await Promise.all([
    salesTotals(ctx.db, period, currency, shopId),
    salesSeries(ctx.db, period, currency, shopId),
    topProducts(ctx.db, period, currency, shopId),
    ctx.db.ledgerEntry.aggregate({ where: { shopId, currency }, _sum: { amountCents: true } }),
    awaitingShipment(ctx, shopId),
    ratingByMonth(ctx, shopId),
  ]);
  const { current: c, previous: p } = totals;
  return {
    period: { from: period.from, to: period.to, days: period.days, timeZone, previous: period.previous },
    currency,
    currencies: currencies.length ? currencies : [currency],
    figures: {
      revenueCents: figure(c.grossCents, p.grossCents),
      netCents: figure(net(c), net(p)),
      orders: figure(c.ordersPaid, p.ordersPaid),
      units: figure(c.unitsPaid, p.unitsPaid),
      averageOrderCents: figure(c.ordersPaid ? Math.round(c.grossCents / c.ordersPaid) : 0, p.ordersPaid ? Math.round(p.grossCents / p.ordersPaid) : 0),
      refunds: figure(c.refunds, p.refunds),
      refundCents: figure(c.refundCents, p.refundCents),
    },
    balanceCents: balance._sum.amountCents ?? 0,
    series: series.map((s) => ({ day: s.day, revenueCents: s.grossCents, netCents: s.netCents, orders: s.orders })),
    ordersByStatus: c.placed,
    topProducts: products.map(({ shopName: _shopName, ...p }) => p),
    awaitingShipment: waiting,
    ratingByMonth: rating,
  };
}

/** Paid or processing orders, oldest first (the 10 oldest listed), and how long they have waited. */
async function awaitingShipment(ctx: ShopScope, shopId: string) {
  const where = { shopId, status: { in: ["PAID" as const, "PROCESSING" as const] } };
  const [count, oldest] = await Promise.all([
    ctx.db.sellerOrder.count({ where }),
    ctx.db.sellerOrder.findMany({ where, orderBy: { createdAt: "asc" }, take: 10, select: { id: true, status: true, subtotalCents: true, currency: true, createdAt: true } }),
  ]);
  const now = Date.now();
  return { count, oldest: oldest.map((o) => ({ ...o, ageHours: Math.floor((now - o.createdAt.getTime()) / 3_600_000) })) };
}

/** The shop's visible reviews per month (the last 12 in the platform's time zone): count and average. */
async function ratingByMonth(ctx: ShopScope, shopId: string) {
  const tz = ctx.deps.config.STATS_TIME_ZONE;
  return ctx.db.$queryRaw<{ month: string; reviews: number; ratingAvg: number }[]>`
    SELECT to_char(date_trunc('month', "created_at" AT TIME ZONE ${tz}), 'YYYY-MM') AS "month",
           count(*)::int AS "reviews", round(avg("rating"), 2)::float8 AS "ratingAvg"
      FROM "reviews"
     WHERE "shop_id" = ${shopId} AND "status" = 'VISIBLE'
       AND "created_at" >= (date_trunc('month', now() AT TIME ZONE ${tz}) - interval '11 months') AT TIME ZONE ${tz}
     GROUP BY 1 ORDER BY 1`;
}
