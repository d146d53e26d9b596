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
  const people = peopleFigures(ctx.db, period);
  const guess = input.currency ?? currencyGuess.get(ctx.db);
  let money = guess === undefined ? null : moneyFigures(ctx.db, period, guess);
  const currencies = await sold;
  const currency = input.currency ?? currencies[0] ?? "USD";
  if (input.currency === undefined) currencyGuess.set(ctx.db, currency);
  if (!money || currency !== guess) {
    money?.catch(() => {}); // a wrong guess: its figures are not used
    money = moneyFigures(ctx.db, period, currency);
  }
  const [{ totals, series, shops, products }, { buyers, counts, queues }] = await Promise.all([money, people]);
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
 * The figures about people, and the admin's queues, in one statement (none depends on the
 * currency): paying buyers, sign-ups (per day in the period), new shops and reviews of both
 * periods, and what waits for an admin.
 */
async function peopleFigures(db: Db, period: ResolvedPeriod) {
  const tz = period.timeZone;
  const created = (table: string, span: DaySpan) => Prisma.sql`(SELECT count(*) FROM ${Prisma.raw(`"${table}"`)} WHERE ${inSpan(`"created_at"`, span, tz)})::int`;
  const reviews = (span: DaySpan) => Prisma.sql`
    (SELECT count(*)::int AS "n", coalesce(round(avg("rating"), 2), 0)::float8 AS "avg" FROM "reviews" WHERE ${inSpan(`"created_at"`, span, tz)})`;
  const [row] = await db.$queryRaw<PeopleRow[]>`
    SELECT ${payingBuyers(period)} AS "buyers", ${payingBuyers(period.previous)} AS "buyersBefore",
           ${signUpsPerDay(period)} AS "usersByDay", ${created("users", period.previous)} AS "usersBefore",
           ${created("shops", period)} AS "shops", ${created("shops", period.previous)} AS "shopsBefore",
           r."n" AS "reviews", r."avg" AS "ratingAvg", rb."n" AS "reviewsBefore", rb."avg" AS "ratingAvgBefore",
           (SELECT count(*) FROM "shops" WHERE "status" = 'PENDING')::int AS "pendingShops",
           (SELECT count(*) FROM "reviews" WHERE "status" = 'VISIBLE' AND "report_count" > 0)::int AS "reportedReviews",
           (SELECT count(*) FROM "mail_outbox" WHERE "status" = 'DEAD')::int AS "deadMail"
      FROM ${reviews(period)} r, ${reviews(period.previous)} rb`;
  const r = row!;
  return {
    buyers: { current: r.buyers, previous: r.buyersBefore },
    counts: {
      current: { users: r.usersByDay.reduce((n, c) => n + c, 0), shops: r.shops, reviews: r.reviews, ratingAvg: r.ratingAvg },
      previous: { users: r.usersBefore, shops: r.shopsBefore, reviews: r.reviewsBefore, ratingAvg: r.ratingAvgBefore },
      newUsersByDay: new Map(eachDay(period).map((d, i) => [d, r.usersByDay[i]!])),
    },
    queues: { pendingShops: r.pendingShops, reportedReviews: r.reportedReviews, deadMail: r.deadMail },
  };
}

interface PeopleRow {
  buyers: number;
  buyersBefore: number;
  usersByDay: number[];
  usersBefore: number;
  shops: number;
  shopsBefore: number;
  reviews: number;
  ratingAvg: number;
  reviewsBefore: number;
  ratingAvgBefore: number;
  pendingShops: number;
  reportedReviews: number;
  deadMail: number;
}

/**
 * Buyers with at least one order paid in the span, whatever its currency (people, not money), as
 * a scalar subquery. Exact: per chunk of buyer numbers, the set bits of the OR of the span's
 * bitmaps, those of its whole months (paying_buyers_monthly) and of the days at its ends
 * (paying_buyers_daily): 90 days read about 30 rows per chunk instead of 90.
 */
function payingBuyers(span: DaySpan) {
  const { months, days } = wholeMonthsOf(span);
  const bitmaps = [
    ...(months.length ? [Prisma.sql`SELECT "chunk", "buyers" FROM "paying_buyers_monthly" WHERE "month" IN (${Prisma.join(months.map((m) => Prisma.sql`${m}::date`))})`] : []),
    ...days.map((d) => Prisma.sql`SELECT "chunk", "buyers" FROM "paying_buyers_daily" WHERE "day" BETWEEN ${d.from}::date AND ${d.to}::date`),
  ];
  return Prisma.sql`
    (SELECT coalesce(sum(bit_count(x."buyers")), 0)::int
       FROM (SELECT bit_or(b."buyers") AS "buyers" FROM (${Prisma.join(bitmaps, " UNION ALL ")}) b GROUP BY b."chunk") x)`;
}

/**
 * Sign-ups per local day of the period, as an array (a scalar subquery): one index range count
 * per day, cheaper than converting each user's instant to its local day (6,000 users in 90 days
 * at a million orders).
 */
function signUpsPerDay(period: ResolvedPeriod) {
  const tz = period.timeZone;
  return Prisma.sql`
    ARRAY(SELECT (SELECT count(*) FROM "users" u
                   WHERE u."created_at" >= (d."day"::timestamp AT TIME ZONE ${tz}) AND u."created_at" < ((d."day" + 1)::timestamp AT TIME ZONE ${tz}))::int
            FROM (SELECT g::date AS "day" FROM generate_series(${period.from}::date::timestamp, ${period.to}::date::timestamp, interval '1 day') g) d
           ORDER BY d."day")`;
}
