import { ORDER_STATUSES, type OrderStatus } from "@marketplace/shared";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../../db/client.ts";
import { addDays, eachDay, type DaySpan, type ResolvedPeriod } from "./period.ts";

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

/** The first day of the month after the one starting on `m` (YYYY-MM-01). */
const nextMonth = (m: string) => {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))];
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, "0")}-01`;
};

/** The first days of the months the span touches. */
export function monthsOf(span: DaySpan): string[] {
  const out: string[] = [];
  for (let m = `${span.from.slice(0, 7)}-01`; m <= span.to; m = nextMonth(m)) out.push(m);
  return out;
}

/** The month whose leaders are probed first: the last one wholly inside the span, else its last one. */
function probeMonth(span: DaySpan, months: string[]): string {
  return months.filter((m) => m >= span.from && addDays(nextMonth(m), -1) <= span.to).at(-1) ?? months.at(-1)!;
}

const monthList = (months: string[]) => Prisma.join(months.map((m) => Prisma.sql`${m}::date`));

/** A shop's sales over the span from its day rows (`d`), for the shops `shops` (a query of `shop_id`s) selects. */
const shopSums = (span: DaySpan, currency: string, shops: Prisma.Sql) => Prisma.sql`
  SELECT d."shop_id", sum(d."gross_cents"::float8) AS "revenueCents", sum(d."units_paid")::int AS "units"
    FROM "sales_daily" d
   WHERE d."shop_id" IN (${shops}) AND d."currency" = ${currency} AND d."day" BETWEEN ${span.from}::date AND ${span.to}::date
   GROUP BY d."shop_id"`;

/**
 * The shops that may rank among the 10 of the span by `column` of shop_sales_monthly, given `t`
 * (a figure 10 shops or products are known to reach). A shop's figure over the span is at most
 * the sum over the k months it touches: one that reaches `t` has at least `t / k` in one of them
 * (one index range per month: a few rows, not every shop's), and its k months sum to `t` at least.
 */
const reaching = (currency: string, months: string[], column: "gross_cents" | "top_product_cents", t: Prisma.Sql) => {
  const col = Prisma.raw(`"${column}"`);
  return Prisma.sql`
  SELECT b."shop_id" FROM "shop_sales_monthly" b
   WHERE b."currency" = ${currency} AND b."month" IN (${monthList(months)})
     AND b."shop_id" IN (SELECT m."shop_id" FROM "shop_sales_monthly" m
                          WHERE m."currency" = ${currency} AND m."month" IN (${monthList(months)})
                            AND m.${col} >= (SELECT ceil(${t} / ${months.length}::float8)::bigint))
   GROUP BY b."shop_id" HAVING sum(b.${col}::float8) >= ${t}`;
};

/**
 * The 10 shops with the most sales in the period, with their daily sales. Exact, and reading few
 * rows: the 10 leaders of one month (shop_sales_monthly's index) are summed over the span first
 * (the probe); 10 shops reach the least of those sums, `t`, and only the shops that may reach it
 * (see `reaching`) are summed from their days.
 */
export async function topShops(db: Db, span: DaySpan, currency: string): Promise<Ranked[]> {
  const months = monthsOf(span);
  const top = await db.$queryRaw<{ id: string; name: string; revenueCents: number; units: number }[]>`
    WITH "probe" AS (${shopSums(
      span,
      currency,
      Prisma.sql`SELECT "shop_id" FROM "shop_sales_monthly" WHERE "currency" = ${currency} AND "month" = ${probeMonth(span, months)}::date ORDER BY "gross_cents" DESC LIMIT 10`,
    )}),
         "threshold" AS (SELECT coalesce((SELECT "revenueCents" FROM "probe" ORDER BY "revenueCents" DESC LIMIT 1 OFFSET 9), 0) AS "t")
    SELECT t."shop_id" AS "id", s."name", t."revenueCents", t."units"
      FROM (${shopSums(span, currency, reaching(currency, months, "gross_cents", Prisma.sql`(SELECT "t" FROM "threshold")`))}
            HAVING sum(d."gross_cents") > 0
            ORDER BY 2 DESC, 1 LIMIT 10) t
      JOIN "shops" s ON s."id" = t."shop_id"
     ORDER BY t."revenueCents" DESC, t."shop_id"`;
  if (top.length === 0) return [];
  const days = await db.$queryRaw<{ id: string; day: string; cents: number }[]>`
    SELECT "shop_id" AS "id", to_char("day", 'YYYY-MM-DD') AS "day", sum("gross_cents")::float8 AS "cents"
      FROM "sales_daily"
     WHERE "shop_id" IN (${Prisma.join(top.map((r) => r.id))}) AND "day" BETWEEN ${span.from}::date AND ${span.to}::date AND "currency" = ${currency}
     GROUP BY 1, 2`;
  return top.map((r) => ({ ...r, shopName: r.name, series: spread(span, days.filter((d) => d.id === r.id)) }));
}

/**
 * The shops whose products may be among the 10 best sellers of the span (every shop: `shopId`
 * null). The products of the 20 shops whose best product led one month are summed over the span
 * first (the probe): 10 products reach the 10th of those sums, `t`; no product sells more in a
 * month than its shop's best one (top_product_cents), so only shops that may reach `t` remain.
 */
const productShops = (span: DaySpan, currency: string, shopId: string | null) => {
  if (shopId !== null) return Prisma.sql`SELECT ${shopId}::text AS "shop_id"`;
  const months = monthsOf(span);
  return Prisma.sql`
      WITH "probe" AS (SELECT p."product_id", sum(p."revenue_cents"::float8) AS "revenue"
                         FROM "product_sales_daily" p
                        WHERE p."shop_id" IN (SELECT "shop_id" FROM "shop_sales_monthly" WHERE "currency" = ${currency} AND "month" = ${probeMonth(span, months)}::date
                                               ORDER BY "top_product_cents" DESC LIMIT 20)
                          AND p."currency" = ${currency} AND p."day" BETWEEN ${span.from}::date AND ${span.to}::date
                        GROUP BY p."product_id"),
           "threshold" AS (SELECT coalesce((SELECT "revenue" FROM "probe" ORDER BY "revenue" DESC LIMIT 1 OFFSET 9), 0) AS "t")
      ${reaching(currency, months, "top_product_cents", Prisma.sql`(SELECT "t" FROM "threshold")`)}`;
};

/** The 10 products with the most revenue in the period (of one shop, or all), with their daily revenue. */
export async function topProducts(db: Db, span: DaySpan, currency: string, shopId: string | null): Promise<Ranked[]> {
  const top = await db.$queryRaw<{ id: string; name: string; shopId: string; shopName: string; revenueCents: number; units: number }[]>`
    SELECT t."product_id" AS "id", p."title" AS "name", p."shop_id" AS "shopId", s."name" AS "shopName", t."revenueCents", t."units"
      FROM (SELECT "product_id", sum("revenue_cents"::float8) AS "revenueCents", sum("units")::int AS "units"
              FROM "product_sales_daily"
             WHERE "shop_id" IN (${productShops(span, currency, shopId)})
               AND "day" BETWEEN ${span.from}::date AND ${span.to}::date AND "currency" = ${currency}
             GROUP BY "product_id" ORDER BY 2 DESC, 1 LIMIT 10) t
      JOIN "products" p ON p."id" = t."product_id"
      JOIN "shops" s ON s."id" = p."shop_id"
     ORDER BY t."revenueCents" DESC, t."product_id"`;
  if (top.length === 0) return [];
  const days = await db.$queryRaw<{ id: string; day: string; cents: number }[]>`
    SELECT "product_id" AS "id", to_char("day", 'YYYY-MM-DD') AS "day", sum("revenue_cents")::float8 AS "cents"
      FROM "product_sales_daily"
     WHERE "shop_id" IN (${Prisma.join([...new Set(top.map((r) => r.shopId))])}) AND "product_id" IN (${Prisma.join(top.map((r) => r.id))})
       AND "day" BETWEEN ${span.from}::date AND ${span.to}::date AND "currency" = ${currency}
     GROUP BY 1, 2`;
  return top.map(({ shopId: _shopId, ...r }) => ({ ...r, series: spread(span, days.filter((d) => d.id === r.id)) }));
}

function spread(span: DaySpan, points: { day: string; cents: number }[]): number[] {
  const byDay = new Map(points.map((p) => [p.day, p.cents]));
  return eachDay(span).map((d) => byDay.get(d) ?? 0);
}

/** `column` within the span's days in the time zone: from its first midnight to the midnight after its last. */
export const inSpan = (column: string, span: DaySpan, timeZone: string) =>
  Prisma.sql`${Prisma.raw(column)} >= (${span.from}::date::timestamp AT TIME ZONE ${timeZone})
         AND ${Prisma.raw(column)} < ((${span.to}::date + 1)::timestamp AT TIME ZONE ${timeZone})`;
