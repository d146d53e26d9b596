import type { StatsInput } from "@marketplace/shared";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Scope } from "../../scope.ts";
import { changePct, eachDay, resolvePeriod, type DaySpan, type ResolvedPeriod } from "./period.ts";
import { currenciesSold, inSpan, salesSeries, salesTotals, topProducts, topShops, type SalesTotals } from "./rollup-queries.ts";
import { refreshIfStale } from "./freshness.ts";

/** A figure of the period with the one before it and the change in percent (null: nothing before). */
export interface Figure {
  value: number;
  previous: number;
  changePct: number | null;
}

export const figure = (value: number, previous: number): Figure => ({ value, previous, changePct: changePct(value, previous) });

/** A share in percent (one decimal), 0 of nothing. */
export const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

const placedTotal = (t: SalesTotals) => Object.values(t.placed).reduce((n, c) => n + c, 0);

/**
 * The platform's figures for a period and the one before, from the sales rollups (money, orders,
 * statuses, top shops and products) and from small indexed reads (paying buyers, sign-ups, shops,
 * reviews). Money is in one currency: the most sold unless asked. Definitions:
 * - GMV: seller orders' subtotals booked as sales in the period (when paid), refunds not deducted;
 * - commission: the platform's commission on those sales less commission given back on refunds;
 * - orders: seller orders paid in the period; average order value: GMV / orders;
 * - refund rate: refunds made in the period / orders; cancellation rate: seller orders placed in
 *   the period that were cancelled unpaid / seller orders placed in the period.
 */
export async function adminStats(ctx: Pick<Scope, "db" | "deps">, input: StatsInput): Promise<AdminStats> {
  const ttl = ctx.deps.config.STATS_ADMIN_CACHE_MS;
  if (ttl <= 0) return computeAdminStats(ctx, input);
  // Every admin sees the same figures: one computation per period per process per `ttl` ms,
  // shared by the requests that arrive while it runs.
  const key = JSON.stringify([ctx.deps.config.STATS_TIME_ZONE, input.period ?? null, input.from ?? null, input.to ?? null, input.currency ?? null]);
  let cache = answers.get(ctx.db);
  if (!cache) answers.set(ctx.db, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < ttl) return hit.answer;
  for (const [k, v] of cache) if (now - v.at >= ttl) cache.delete(k);
  const answer = computeAdminStats(ctx, input);
  cache.set(key, { at: now, answer });
  answer.catch(() => cache.delete(key));
  return answer;
}

type AdminStats = Awaited<ReturnType<typeof computeAdminStats>>;
const answers = new WeakMap<Db, Map<string, { at: number; answer: Promise<AdminStats> }>>();

async function computeAdminStats(ctx: Pick<Scope, "db" | "deps">, input: StatsInput) {
  const timeZone = ctx.deps.config.STATS_TIME_ZONE;
  await refreshIfStale(ctx.db, timeZone);
  const period = resolvePeriod(input, timeZone);
  const currencies = await currenciesSold(ctx.db, period, null);
  const currency = input.currency ?? currencies[0] ?? "USD";
  const [totals, buyers, people, series, newUsersByDay, shops, products, queues] = await Promise.all([
    salesTotals(ctx.db, period, currency, null),
    payingBuyers(ctx.db, period),
    platformCounts(ctx.db, period),
    salesSeries(ctx.db, period, currency, null),
    newUsersPerDay(ctx.db, period, timeZone),
    topShops(ctx.db, period, currency),
    topProducts(ctx.db, period, currency, null),
    adminQueues(ctx.db),
  ]);
  const { current: c, previous: p } = totals;
  return {
    period: { from: period.from, to: period.to, days: period.days, timeZone, previous: period.previous },
    currency,
    currencies: currencies.length ? currencies : [currency],
    figures: {
      gmvCents: figure(c.grossCents, p.grossCents),
      commissionCents: figure(c.commissionCents - c.commissionRefundCents, p.commissionCents - p.commissionRefundCents),
      orders: figure(c.ordersPaid, p.ordersPaid),
      averageOrderCents: figure(c.ordersPaid ? Math.round(c.grossCents / c.ordersPaid) : 0, p.ordersPaid ? Math.round(p.grossCents / p.ordersPaid) : 0),
      payingBuyers: figure(buyers.current, buyers.previous),
      newUsers: figure(people.current.users, people.previous.users),
      newShops: figure(people.current.shops, people.previous.shops),
      refundRatePct: figure(rate(c.refunds, c.ordersPaid), rate(p.refunds, p.ordersPaid)),
      cancellationRatePct: figure(rate(c.placed.CANCELLED, placedTotal(c)), rate(p.placed.CANCELLED, placedTotal(p))),
      reviews: figure(people.current.reviews, people.previous.reviews),
      averageRating: figure(people.current.ratingAvg, people.previous.ratingAvg),
    },
    series: series.map((s) => ({ day: s.day, gmvCents: s.grossCents, orders: s.orders, newUsers: newUsersByDay.get(s.day) ?? 0 })),
    ordersByStatus: c.placed,
    topShops: shops,
    topProducts: products,
    queues,
  };
}

/**
 * Buyers with at least one order paid in the span, whatever its currency (people, not money).
 * Exact: per chunk of buyer numbers, the set bits of the OR of the span's daily bitmaps
 * (paying_buyers_daily), both periods in one read of (days × chunks) rows.
 */
async function payingBuyers(db: Db, period: ResolvedPeriod) {
  const count = (span: DaySpan) => Prisma.sql`
    (SELECT coalesce(sum(bit_count(x."buyers")), 0)::int
       FROM (SELECT bit_or("buyers") AS "buyers" FROM "paying_buyers_daily"
              WHERE "day" BETWEEN ${span.from}::date AND ${span.to}::date GROUP BY "chunk") x)`;
  const [row] = await db.$queryRaw<{ current: number; previous: number }[]>`
    SELECT ${count(period)} AS "current", ${count(period.previous)} AS "previous"`;
  return { current: row?.current ?? 0, previous: row?.previous ?? 0 };
}

async function platformCounts(db: Db, period: ResolvedPeriod) {
  const counts = async (span: DaySpan) => {
    const [row] = await db.$queryRaw<{ users: number; shops: number; reviews: number; ratingAvg: number }[]>`
      SELECT (SELECT count(*)::int FROM "users" WHERE ${inSpan(`"created_at"`, span, period.timeZone)}) AS "users",
             (SELECT count(*)::int FROM "shops" WHERE ${inSpan(`"created_at"`, span, period.timeZone)}) AS "shops",
             r."reviews", r."ratingAvg"
        FROM (SELECT count(*)::int AS "reviews", coalesce(round(avg("rating"), 2), 0)::float8 AS "ratingAvg"
                FROM "reviews" WHERE ${inSpan(`"created_at"`, span, period.timeZone)}) r`;
    return row!;
  };
  const [current, previous] = await Promise.all([counts(period), counts(period.previous)]);
  return { current, previous };
}

async function newUsersPerDay(db: Db, span: DaySpan, timeZone: string): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ day: string; n: number }[]>`
    SELECT to_char(("created_at" AT TIME ZONE ${timeZone})::date, 'YYYY-MM-DD') AS "day", count(*)::int AS "n"
      FROM "users" WHERE ${inSpan(`"created_at"`, span, timeZone)} GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, r.n]));
  return new Map(eachDay(span).map((d) => [d, byDay.get(d) ?? 0]));
}

/** What waits for an admin: each a count that links to its page. */
async function adminQueues(db: Db) {
  const [pendingShops, reportedReviews, deadMail] = await Promise.all([
    db.shop.count({ where: { status: "PENDING" } }),
    db.review.count({ where: { status: "VISIBLE", reportCount: { gt: 0 } } }),
    db.mailOutbox.count({ where: { status: "DEAD" } }),
  ]);
  return { pendingShops, reportedReviews, deadMail };
}
