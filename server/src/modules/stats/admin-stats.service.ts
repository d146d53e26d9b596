import type { StatsInput } from "@marketplace/shared";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Scope } from "../../scope.ts";
import { changePct, eachDay, resolvePeriod, wholeMonthsOf, type DaySpan, type ResolvedPeriod } from "./period.ts";
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

/**
 * The currency the last answer of this process chose when none was asked: the money figures start
 * in it at once, in parallel with the list of currencies sold (the most sold one is the default)
 * instead of after it; a wrong guess (another currency now leads) costs them a second round.
 * Not an answer cache: every figure is read again.
 */
const currencyGuess = new WeakMap<Db, string>();

async function computeAdminStats(ctx: Pick<Scope, "db" | "deps">, input: StatsInput) {
  const timeZone = ctx.deps.config.STATS_TIME_ZONE;
  await refreshIfStale(ctx.db, timeZone);
  const period = resolvePeriod(input, timeZone);
  const sold = currenciesSold(ctx.db, period, null);
  const people = Promise.all([payingBuyers(ctx.db, period), platformCounts(ctx.db, period), adminQueues(ctx.db)]);
  const guess = input.currency ?? currencyGuess.get(ctx.db);
  let money = guess === undefined ? null : moneyFigures(ctx.db, period, guess);
  const currencies = await sold;
  const currency = input.currency ?? currencies[0] ?? "USD";
  if (input.currency === undefined) currencyGuess.set(ctx.db, currency);
  if (!money || currency !== guess) {
    money?.catch(() => {}); // a wrong guess: its figures are not used
    money = moneyFigures(ctx.db, period, currency);
  }
  const [{ totals, series, shops, products }, [buyers, counts, queues]] = await Promise.all([money, people]);
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
      newUsers: figure(counts.current.users, counts.previous.users),
      newShops: figure(counts.current.shops, counts.previous.shops),
      refundRatePct: figure(rate(c.refunds, c.ordersPaid), rate(p.refunds, p.ordersPaid)),
      cancellationRatePct: figure(rate(c.placed.CANCELLED, placedTotal(c)), rate(p.placed.CANCELLED, placedTotal(p))),
      reviews: figure(counts.current.reviews, counts.previous.reviews),
      averageRating: figure(counts.current.ratingAvg, counts.previous.ratingAvg),
    },
    series: series.map((s) => ({ day: s.day, gmvCents: s.grossCents, orders: s.orders, newUsers: counts.newUsersByDay.get(s.day) ?? 0 })),
    ordersByStatus: c.placed,
    topShops: shops,
    topProducts: products,
    queues,
  };
}

/** The figures in one currency: sums of both periods, the daily series, the top shops and products. */
async function moneyFigures(db: Db, period: ResolvedPeriod, currency: string) {
  const [totals, series, shops, products] = await Promise.all([
    salesTotals(db, period, currency, null),
    salesSeries(db, period, currency, null),
    topShops(db, period, currency),
    topProducts(db, period, currency, null),
  ]);
  return { totals, series, shops, products };
}

/**
 * Buyers with at least one order paid in the span, whatever its currency (people, not money).
 * Exact: per chunk of buyer numbers, the set bits of the OR of the span's bitmaps, those of its
 * whole months (paying_buyers_monthly) and of the days at its ends (paying_buyers_daily): 90 days
 * read about 30 rows per chunk and period instead of 90; both periods in one statement.
 */
async function payingBuyers(db: Db, period: ResolvedPeriod) {
  const count = (span: DaySpan) => {
    const { months, days } = wholeMonthsOf(span);
    const bitmaps = [
      ...(months.length ? [Prisma.sql`SELECT "chunk", "buyers" FROM "paying_buyers_monthly" WHERE "month" IN (${Prisma.join(months.map((m) => Prisma.sql`${m}::date`))})`] : []),
      ...days.map((d) => Prisma.sql`SELECT "chunk", "buyers" FROM "paying_buyers_daily" WHERE "day" BETWEEN ${d.from}::date AND ${d.to}::date`),
    ];
    return Prisma.sql`
    (SELECT coalesce(sum(bit_count(x."buyers")), 0)::int
       FROM (SELECT bit_or(b."buyers") AS "buyers" FROM (${Prisma.join(bitmaps, " UNION ALL ")}) b GROUP BY b."chunk") x)`;
  };
  const [row] = await db.$queryRaw<{ current: number; previous: number }[]>`
    SELECT ${count(period)} AS "current", ${count(period.previous)} AS "previous"`;
  return { current: row?.current ?? 0, previous: row?.previous ?? 0 };
}

/**
 * Sign-ups, new shops and reviews of both periods in one statement. Sign-ups per local day of the
 * period (its series) are one index range count per day: cheaper than converting each user's
 * instant to its local day (6,000 users in 90 days at a million orders).
 */
async function platformCounts(db: Db, period: ResolvedPeriod) {
  const tz = period.timeZone;
  const both = { from: period.previous.from, to: period.to };
  const start = Prisma.sql`(${period.from}::date::timestamp AT TIME ZONE ${tz})`;
  const [row] = await db.$queryRaw<
    { usersByDay: number[]; usersBefore: number; shops: number; shopsBefore: number; reviews: number; reviewsBefore: number; ratingAvg: number; ratingAvgBefore: number }[]
  >`
    SELECT ARRAY(SELECT (SELECT count(*) FROM "users" u
                          WHERE u."created_at" >= (d."day"::timestamp AT TIME ZONE ${tz}) AND u."created_at" < ((d."day" + 1)::timestamp AT TIME ZONE ${tz}))::int
                   FROM (SELECT g::date AS "day" FROM generate_series(${period.from}::date::timestamp, ${period.to}::date::timestamp, interval '1 day') g) d
                  ORDER BY d."day") AS "usersByDay",
           (SELECT count(*) FROM "users" WHERE ${inSpan(`"created_at"`, period.previous, tz)})::int AS "usersBefore",
           s."shops", s."shopsBefore", r."reviews", r."reviewsBefore", r."ratingAvg", r."ratingAvgBefore"
      FROM (SELECT count(*) FILTER (WHERE "created_at" >= ${start})::int AS "shops", count(*) FILTER (WHERE "created_at" < ${start})::int AS "shopsBefore"
              FROM "shops" WHERE ${inSpan(`"created_at"`, both, tz)}) s,
           (SELECT count(*) FILTER (WHERE "created_at" >= ${start})::int AS "reviews", count(*) FILTER (WHERE "created_at" < ${start})::int AS "reviewsBefore",
                   coalesce(round(avg("rating") FILTER (WHERE "created_at" >= ${start}), 2), 0)::float8 AS "ratingAvg",
                   coalesce(round(avg("rating") FILTER (WHERE "created_at" < ${start}), 2), 0)::float8 AS "ratingAvgBefore"
              FROM "reviews" WHERE ${inSpan(`"created_at"`, both, tz)}) r`;
  const r = row!;
  return {
    current: { users: r.usersByDay.reduce((n, c) => n + c, 0), shops: r.shops, reviews: r.reviews, ratingAvg: r.ratingAvg },
    previous: { users: r.usersBefore, shops: r.shopsBefore, reviews: r.reviewsBefore, ratingAvg: r.ratingAvgBefore },
    newUsersByDay: new Map(eachDay(period).map((d, i) => [d, r.usersByDay[i]!])),
  };
}

/** What waits for an admin: each a count that links to its page (one statement). */
async function adminQueues(db: Db) {
  const [row] = await db.$queryRaw<{ pendingShops: number; reportedReviews: number; deadMail: number }[]>`
    SELECT (SELECT count(*) FROM "shops" WHERE "status" = 'PENDING')::int AS "pendingShops",
           (SELECT count(*) FROM "reviews" WHERE "status" = 'VISIBLE' AND "report_count" > 0)::int AS "reportedReviews",
           (SELECT count(*) FROM "mail_outbox" WHERE "status" = 'DEAD')::int AS "deadMail"`;
  return row!;
}
