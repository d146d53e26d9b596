import { ORDER_STATUSES, type OrderStatus } from "@marketplace/shared";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../../db/client.ts";
import { eachDay, monthsOf, type DaySpan, type ResolvedPeriod } from "./period.ts";

/**
 * Reads of the sales rollups shared by `admin.stats` (every shop: `shopId` null) and
 * `seller.stats` (one shop). Each reads a few hundred rows per shop-day at most, never orders.
 */
const forShop = (shopId: string | null) => (shopId === null ? Prisma.sql`TRUE` : Prisma.sql`"shop_id" = ${shopId}`);
/** Every shop's figures come from the per-day sums, a shop's from its own rows. */
const salesTable = (shopId: string | null) => Prisma.raw(shopId === null ? `"platform_sales_daily"` : `"sales_daily"`);

/** The currencies sold in over the period and the one before, the most sold first. */
export async function currenciesSold(db: Db, period: ResolvedPeriod, shopId: string | null): Promise<string[]> {
  const rows = await db.$queryRaw<{ currency: string }[]>`
    SELECT "currency" FROM ${salesTable(shopId)}
     WHERE "day" BETWEEN ${period.previous.from}::date AND ${period.to}::date AND ${forShop(shopId)}
     GROUP BY "currency" ORDER BY sum("gross_cents") DESC, "currency"`;
  return rows.map((r) => r.currency.trim());
}

export interface SalesTotals {
  grossCents: number;
  commissionCents: number;
  refundCents: number;
  commissionRefundCents: number;
  ordersPaid: number;
  unitsPaid: number;
  refunds: number;
  placed: Record<OrderStatus, number>;
}

const PLACED_COLUMNS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: "placed_pending",
  PAID: "placed_paid",
  PROCESSING: "placed_processing",
  SHIPPED: "placed_shipped",
  DELIVERED: "placed_delivered",
  CANCELLED: "placed_cancelled",
  REFUNDED: "placed_refunded",
};

/** Sums of the period and of the one before, in one read. */
export async function salesTotals(db: Db, period: ResolvedPeriod, currency: string, shopId: string | null): Promise<{ current: SalesTotals; previous: SalesTotals }> {
  const placed = Prisma.join(ORDER_STATUSES.map((s) => Prisma.raw(`coalesce(sum("${PLACED_COLUMNS[s]}"), 0)::int AS "${s}"`)));
  const rows = await db.$queryRaw<(Record<string, number> & { current: boolean })[]>`
    SELECT ("day" >= ${period.from}::date) AS "current",
           coalesce(sum("gross_cents"), 0)::float8 AS "grossCents",
           coalesce(sum("commission_cents"), 0)::float8 AS "commissionCents",
           coalesce(sum("refund_cents"), 0)::float8 AS "refundCents",
           coalesce(sum("commission_refund_cents"), 0)::float8 AS "commissionRefundCents",
           coalesce(sum("orders_paid"), 0)::int AS "ordersPaid",
           coalesce(sum("units_paid"), 0)::int AS "unitsPaid",
           coalesce(sum("refunds"), 0)::int AS "refunds",
           ${placed}
      FROM ${salesTable(shopId)}
     WHERE "day" BETWEEN ${period.previous.from}::date AND ${period.to}::date AND "currency" = ${currency} AND ${forShop(shopId)}
     GROUP BY 1`;
  const shape = (r: Record<string, number> | undefined): SalesTotals => ({
    grossCents: r?.grossCents ?? 0,
    commissionCents: r?.commissionCents ?? 0,
    refundCents: r?.refundCents ?? 0,
    commissionRefundCents: r?.commissionRefundCents ?? 0,
    ordersPaid: r?.ordersPaid ?? 0,
    unitsPaid: r?.unitsPaid ?? 0,
    refunds: r?.refunds ?? 0,
    placed: Object.fromEntries(ORDER_STATUSES.map((s) => [s, r?.[s] ?? 0])) as Record<OrderStatus, number>,
  });
  return { current: shape(rows.find((r) => r.current)), previous: shape(rows.find((r) => !r.current)) };
}

export interface DayPoint {
  day: string;
  grossCents: number;
  netCents: number;
  orders: number;
}

/** One point per day of the period (days without sales are zeros). */
export async function salesSeries(db: Db, span: DaySpan, currency: string, shopId: string | null): Promise<DayPoint[]> {
  const rows = await db.$queryRaw<DayPoint[]>`
    SELECT to_char("day", 'YYYY-MM-DD') AS "day", sum("gross_cents")::float8 AS "grossCents",
           sum("gross_cents" - "commission_cents" - "refund_cents" + "commission_refund_cents")::float8 AS "netCents",
           sum("orders_paid")::int AS "orders"
      FROM ${salesTable(shopId)}
     WHERE "day" BETWEEN ${span.from}::date AND ${span.to}::date AND "currency" = ${currency} AND ${forShop(shopId)}
     GROUP BY "day"`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return eachDay(span).map((day) => byDay.get(day) ?? { day, grossCents: 0, netCents: 0, orders: 0 });
}

export interface Ranked {
  id: string;
  name: string;
  shopName: string;
  revenueCents: number;
  units: number;
  /** Revenue per day of the period, for a sparkline. */
  series: number[];
}

/*
 * The top-10 rankings of every shop (shops by sales, products by revenue) are exact and read few
 * rows, from shop_sales_monthly (a shop's sales and its best product's per month):
 * 1. the probe: the leaders of each month the span touches are summed over the span from their
 *    day rows; 10 of them reach the 10th of those sums, `t`, so the 10 of the span reach it too;
 * 2. the bars: `t` shared between the months, each month's share in proportion to the 10th
 *    largest figure of the month (a short month asks less); the bars sum to `t` at most;
 * 3. a shop that reaches `t` over the span has at least its bar in one month (else its months
 *    sum to less than the bars, less than `t`): one index range per month gives the shops that
 *    may, and those whose months (the index again, one range each) sum to `t` at least remain;
 * 4. only those are summed from their day rows and ranked, with their days for the sparklines.
 * At a million orders that is about 50 shops' days of 5,000 (it read every shop's months, and the
 * days of 170–300 shops, with a probe of one month only).
 */
type MonthlyFigure = "gross_cents" | "top_product_cents";
const figureColumn = (column: MonthlyFigure) => Prisma.raw(`"${column}"`);

/** CTE "months": the months the span touches, each with its 10th largest `column` (0 with fewer than 10 shops). */
const monthsCte = (span: DaySpan, currency: string, column: MonthlyFigure) => Prisma.sql`
  "months" AS (
    SELECT v."month", coalesce((SELECT m.${figureColumn(column)} FROM "shop_sales_monthly" m
                                 WHERE m."currency" = ${currency} AND m."month" = v."month"
                                 ORDER BY m.${figureColumn(column)} DESC LIMIT 1 OFFSET 9), 0) AS "tenth"
      FROM (VALUES ${Prisma.join(monthsOf(span).map((m) => Prisma.sql`(${m}::date)`))}) v("month"))`;

/** The `n` shops with the most `column` in each month of "months" (the probe's shops). */
const monthLeaders = (currency: string, column: MonthlyFigure, n: number) => Prisma.sql`
  SELECT l."shop_id" FROM "months" v
   CROSS JOIN LATERAL (SELECT m."shop_id" FROM "shop_sales_monthly" m WHERE m."currency" = ${currency} AND m."month" = v."month"
                        ORDER BY m.${figureColumn(column)} DESC LIMIT ${n}) l`;

/**
 * CTEs "threshold" (`t`: the 10th largest "cents" of the CTE "probe", 0 with fewer than 10) and
 * "bars" (each month's share of `t`, rounded down: they sum to `t` at most).
 */
const barsCtes = Prisma.sql`
  "threshold" AS (SELECT coalesce((SELECT "cents" FROM "probe" ORDER BY "cents" DESC LIMIT 1 OFFSET 9), 0)::numeric AS "t"),
  "bars" AS (
    SELECT v."month", floor(CASE WHEN a."total" > 0 THEN x."t" * v."tenth" / a."total" ELSE x."t" / a."k" END)::bigint AS "bar"
      FROM "months" v, "threshold" x, (SELECT sum("tenth") AS "total", count(*) AS "k" FROM "months") a)`;

/** The shops that may reach `t` by `column` (steps 3 above): at their bar in one month, their months summing to `t`. */
const reaching = (span: DaySpan, currency: string, column: MonthlyFigure) => {
  const months = monthsOf(span);
  return Prisma.sql`
  SELECT c."shop_id"
    FROM (SELECT DISTINCT m."shop_id" FROM "bars" v
           CROSS JOIN LATERAL (SELECT m."shop_id" FROM "shop_sales_monthly" m
                                WHERE m."currency" = ${currency} AND m."month" = v."month" AND m.${figureColumn(column)} >= v."bar") m) c
   WHERE (SELECT sum(b.${figureColumn(column)}::float8) FROM "shop_sales_monthly" b
           WHERE b."currency" = ${currency} AND b."shop_id" = c."shop_id" AND b."month" BETWEEN ${months[0]}::date AND ${months.at(-1)}::date)
         >= (SELECT "t" FROM "threshold")`;
};

/** A ranked row as read: its sums, and its day rows as offsets from the span's first day with their cents. */
type RankedRow = Omit<Ranked, "series"> & { days: number[]; cents: number[] };

const withSeries = (span: DaySpan, { days, cents, ...r }: RankedRow): Ranked => ({ ...r, series: spread(span, days, cents) });

/** The 10 shops with the most sales in the period, with their daily sales (see above: steps 1–4). */
export async function topShops(db: Db, span: DaySpan, currency: string): Promise<Ranked[]> {
  const inSpanDays = Prisma.sql`d."currency" = ${currency} AND d."day" BETWEEN ${span.from}::date AND ${span.to}::date`;
  const rows = await db.$queryRaw<RankedRow[]>`
    WITH ${monthsCte(span, currency, "gross_cents")},
         "probe" AS (SELECT sum(d."gross_cents"::float8) AS "cents" FROM "sales_daily" d
                      WHERE d."shop_id" IN (${monthLeaders(currency, "gross_cents", 10)}) AND ${inSpanDays}
                      GROUP BY d."shop_id"),
         ${barsCtes}
    SELECT t."shop_id" AS "id", s."name", s."name" AS "shopName", t."revenueCents", t."units", t."days", t."cents"
      FROM (SELECT d."shop_id", sum(d."gross_cents"::float8) AS "revenueCents", sum(d."units_paid")::int AS "units",
                   array_agg(d."day" - ${span.from}::date) AS "days", array_agg(d."gross_cents"::float8) AS "cents"
              FROM "sales_daily" d
             WHERE d."shop_id" IN (${reaching(span, currency, "gross_cents")}) AND ${inSpanDays}
             GROUP BY d."shop_id" HAVING sum(d."gross_cents") > 0
             ORDER BY 2 DESC, 1 LIMIT 10) t
      JOIN "shops" s ON s."id" = t."shop_id"
     ORDER BY t."revenueCents" DESC, t."shop_id"`;
  return rows.map((r) => withSeries(span, r));
}

/**
 * The 10 products with the most revenue in the period (of one shop, or all), with their daily
 * revenue. Of every shop: the probe sums the products of the 20 shops whose best product sold the
 * most in each month, and no product sells more in a month than its shop's best (top_product_cents):
 * only the products of the shops that may reach `t` by it are summed (see above).
 */
export async function topProducts(db: Db, span: DaySpan, currency: string, shopId: string | null): Promise<Ranked[]> {
  const inSpanDays = Prisma.sql`p."currency" = ${currency} AND p."day" BETWEEN ${span.from}::date AND ${span.to}::date`;
  const ranking = shopId !== null
    ? { ctes: Prisma.empty, shops: Prisma.sql`${shopId}` }
    : {
        ctes: Prisma.sql`
          WITH ${monthsCte(span, currency, "top_product_cents")},
               "probe" AS (SELECT sum(p."revenue_cents"::float8) AS "cents" FROM "product_sales_daily" p
                            WHERE p."shop_id" IN (${monthLeaders(currency, "top_product_cents", 20)}) AND ${inSpanDays}
                            GROUP BY p."product_id"),
               ${barsCtes}`,
        shops: reaching(span, currency, "top_product_cents"),
      };
  const rows = await db.$queryRaw<RankedRow[]>`
    ${ranking.ctes}
    SELECT t."product_id" AS "id", pr."title" AS "name", s."name" AS "shopName", t."revenueCents", t."units", t."days", t."cents"
      FROM (SELECT p."product_id", sum(p."revenue_cents"::float8) AS "revenueCents", sum(p."units")::int AS "units",
                   array_agg(p."day" - ${span.from}::date) AS "days", array_agg(p."revenue_cents"::float8) AS "cents"
              FROM "product_sales_daily" p
             WHERE p."shop_id" IN (${ranking.shops}) AND ${inSpanDays}
             GROUP BY p."product_id" ORDER BY 2 DESC, 1 LIMIT 10) t
      JOIN "products" pr ON pr."id" = t."product_id"
      JOIN "shops" s ON s."id" = pr."shop_id"
     ORDER BY t."revenueCents" DESC, t."product_id"`;
  return rows.map((r) => withSeries(span, r));
}

/** One figure per day of the span from (day offset, cents) pairs; days without a row are 0. */
function spread(span: DaySpan, days: number[], cents: number[]): number[] {
  const series = eachDay(span).map(() => 0);
  days.forEach((d, i) => (series[d] = cents[i]!));
  return series;
}

/** `column` within the span's days in the time zone: from its first midnight to the midnight after its last. */
export const inSpan = (column: string, span: DaySpan, timeZone: string) =>
  Prisma.sql`${Prisma.raw(column)} >= (${span.from}::date::timestamp AT TIME ZONE ${timeZone})
         AND ${Prisma.raw(column)} < ((${span.to}::date + 1)::timestamp AT TIME ZONE ${timeZone})`;
