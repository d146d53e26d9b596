import { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../../db/client.ts";
import { startPeriodic, type Periodic } from "../../lib/periodic.ts";

/**
 * The sales rollups (`sales_daily`, `product_sales_daily`) are derived data, kept by this
 * rebuilder rather than by hooks in the order and payment services: every (day, shop) whose
 * sources changed since the watermark is deleted and computed again from the source tables, so a
 * run is idempotent, a crashed run leaves the previous watermark (its transaction rolls back) and
 * the next run does its work, and a run may be repeated any number of times.
 *
 * What counts as changed: seller orders whose `updated_at` moved (a status change moves the count
 * of the day they were placed, and the days their ledger entries were booked) and ledger entries
 * written (money is booked on the ledger's day: sales when paid, refunds when refunded). Rows are read from `watermark - OVERLAP`: a transaction
 * that wrote its `updated_at` (the application's clock) before the last run but committed after
 * it is still seen; the overlap costs a few recomputed rows per run.
 *
 * Several processes run it: a transaction-scoped advisory lock lets one of them work while the
 * others skip that round. The rollups are built in full when there is no watermark yet or the
 * platform's time zone changed (the days themselves move), and `rebuildAllRollups` does it on demand.
 */
const LOCK_KEY = 0x5ea1e5_01;
const OVERLAP = "5 minutes";
/** A full rebuild reads every order: far longer than a request's transaction may take. */
const FULL_REBUILD_LIMITS = { maxWait: 10_000, timeout: 30 * 60_000 } as const;
const INCREMENTAL_LIMITS = { maxWait: 5_000, timeout: 60_000 } as const;

export type RollupRun = { outcome: "skipped" } | { outcome: "full" | "incremental"; keys: number };

/** Brings the rollups up to date (in full when they were never built or the time zone changed). */
export async function refreshRollups(db: Db, timeZone: string): Promise<RollupRun> {
  const state = await db.statsRollupState.findUnique({ where: { id: 1 } });
  const full = !state?.watermark || state.timeZone !== timeZone;
  return db.$transaction((tx) => runLocked(tx, timeZone, full), full ? FULL_REBUILD_LIMITS : INCREMENTAL_LIMITS);
}

/** Deletes every rollup row and computes them all again from the source tables. */
export async function rebuildAllRollups(db: Db, timeZone: string): Promise<RollupRun> {
  return db.$transaction((tx) => runLocked(tx, timeZone, true), FULL_REBUILD_LIMITS);
}

async function runLocked(tx: Tx, timeZone: string, full: boolean): Promise<RollupRun> {
  const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}::bigint) AS "locked"`;
  if (!lock?.locked) return { outcome: "skipped" };
  // Read again under the lock: another process may have just finished a run.
  const state = await tx.statsRollupState.findUnique({ where: { id: 1 } });
  const [clock] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS "now"`;
  const startedAt = clock!.now;
  full ||= !state?.watermark || state.timeZone !== timeZone;
  let keys: number;
  if (full) {
    await tx.$executeRaw`DELETE FROM "sales_daily"`;
    await tx.$executeRaw`DELETE FROM "product_sales_daily"`;
    keys = await insertRollups(tx, timeZone, null);
    await tx.$executeRaw`DELETE FROM "platform_sales_daily"`;
    await sumPlatformDays(tx, null);
    await tx.$executeRaw`DELETE FROM "shop_sales_monthly"`;
    await sumShopMonths(tx, null);
    await numberBuyers(tx, Prisma.empty);
    await tx.$executeRaw`DELETE FROM "paying_buyers_daily"`;
    await insertBuyerDays(tx, timeZone, null);
    await tx.$executeRaw`DELETE FROM "paying_buyers_monthly"`;
    await sumBuyerMonths(tx, null);
    // Every row is new: the planner's statistics of the old ones would mislead the dashboards' reads.
    await tx.$executeRaw`ANALYZE "sales_daily", "product_sales_daily", "platform_sales_daily", "shop_sales_monthly", "stats_buyer_numbers", "paying_buyers_daily", "paying_buyers_monthly"`;
  } else {
    const since = state!.watermark!;
    await tx.$executeRaw`CREATE TEMP TABLE "stats_changed_keys" ("day" date NOT NULL, "shop_id" text NOT NULL) ON COMMIT DROP`;
    await tx.$executeRaw`
      INSERT INTO "stats_changed_keys"
      SELECT DISTINCT (so."created_at" AT TIME ZONE ${timeZone})::date AS "day", so."shop_id"
        FROM "seller_orders" so WHERE so."updated_at" >= ${since}::timestamptz - ${OVERLAP}::interval
      UNION
      SELECT DISTINCT (le."created_at" AT TIME ZONE ${timeZone})::date, le."shop_id"
        FROM "ledger_entries" le WHERE le."created_at" >= ${since}::timestamptz - ${OVERLAP}::interval
      UNION
      SELECT DISTINCT (le."created_at" AT TIME ZONE ${timeZone})::date, le."shop_id"
        FROM "seller_orders" so JOIN "ledger_entries" le ON le."seller_order_id" = so."id"
       WHERE so."updated_at" >= ${since}::timestamptz - ${OVERLAP}::interval`;
    // Days whose paying buyers may have changed: orders paid since, the orders of changed seller
    // orders, and the days of the changed keys.
    await tx.$executeRaw`CREATE TEMP TABLE "stats_changed_buyer_days" ("day" date PRIMARY KEY) ON COMMIT DROP`;
    await tx.$executeRaw`
      INSERT INTO "stats_changed_buyer_days"
      SELECT (o."paid_at" AT TIME ZONE ${timeZone})::date FROM "orders" o WHERE o."paid_at" >= ${since}::timestamptz - ${OVERLAP}::interval
      UNION
      SELECT (o."paid_at" AT TIME ZONE ${timeZone})::date
        FROM "seller_orders" so JOIN "orders" o ON o."id" = so."order_id"
       WHERE so."updated_at" >= ${since}::timestamptz - ${OVERLAP}::interval AND o."paid_at" IS NOT NULL
      UNION
      SELECT "day" FROM "stats_changed_keys"`;
    const [changed] = await tx.$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*) FROM "stats_changed_keys")::int + (SELECT count(*) FROM "stats_changed_buyer_days")::int AS "n"`;
    if (!changed?.n) {
      await saveState(tx, timeZone, startedAt, false);
      return { outcome: "incremental", keys: 0 };
    }
    // Its real size, so that each key is joined through the rollups' and sources' indexes.
    await tx.$executeRaw`ANALYZE "stats_changed_keys"`;
    await tx.$executeRaw`DELETE FROM "sales_daily" s USING "stats_changed_keys" k WHERE s."day" = k."day" AND s."shop_id" = k."shop_id"`;
    await tx.$executeRaw`DELETE FROM "product_sales_daily" p USING "stats_changed_keys" k WHERE p."day" = k."day" AND p."shop_id" = k."shop_id"`;
    keys = await insertRollups(tx, timeZone, Prisma.sql`"stats_changed_keys"`);
    await tx.$executeRaw`DELETE FROM "platform_sales_daily" WHERE "day" IN (SELECT "day" FROM "stats_changed_keys")`;
    await sumPlatformDays(tx, Prisma.sql`SELECT "day" FROM "stats_changed_keys"`);
    const months = Prisma.sql`SELECT DISTINCT date_trunc('month', "day")::date AS "month", "shop_id" FROM "stats_changed_keys"`;
    await tx.$executeRaw`DELETE FROM "shop_sales_monthly" m USING (${months}) k WHERE m."month" = k."month" AND m."shop_id" = k."shop_id"`;
    await sumShopMonths(tx, months);
    const days = Prisma.sql`SELECT "day" FROM "stats_changed_buyer_days"`;
    await numberBuyers(tx, paidOn(timeZone, days));
    await tx.$executeRaw`DELETE FROM "paying_buyers_daily" WHERE "day" IN (${days})`;
    await insertBuyerDays(tx, timeZone, days);
    const buyerMonths = Prisma.sql`SELECT DISTINCT date_trunc('month', "day")::date AS "month" FROM "stats_changed_buyer_days"`;
    await tx.$executeRaw`DELETE FROM "paying_buyers_monthly" WHERE "month" IN (${buyerMonths})`;
    await sumBuyerMonths(tx, buyerMonths);
  }
  await saveState(tx, timeZone, startedAt, full);
  return { outcome: full ? "full" : "incremental", keys };
}

async function saveState(tx: Tx, timeZone: string, startedAt: Date, full: boolean) {
  await tx.statsRollupState.upsert({
    where: { id: 1 },
    create: { id: 1, timeZone, watermark: startedAt, rebuiltAt: full ? startedAt : null },
    update: { timeZone, watermark: startedAt, ...(full ? { rebuiltAt: startedAt } : {}) },
  });
}

/**
 * Inserts the rollup rows of the (day, shop) pairs in `keys` (a table of `day`, `shop_id`), or of
 * everything when null. With keys, each source is read by shop and time range (the day's bounds in
 * the time zone), so the shop's indexes serve it. Returns the sales rows written.
 */
async function insertRollups(tx: Tx, tz: string, keys: Prisma.Sql | null): Promise<number> {
  const scope = (alias: string, at: string) =>
    keys
      ? Prisma.sql`JOIN ${keys} k ON k."shop_id" = ${Prisma.raw(`${alias}."shop_id"`)}
           AND ${Prisma.raw(`${alias}."${at}"`)} >= (k."day"::timestamp AT TIME ZONE ${tz})
           AND ${Prisma.raw(`${alias}."${at}"`)} < ((k."day" + 1)::timestamp AT TIME ZONE ${tz})`
      : Prisma.empty;
  const written = await tx.$executeRaw`
    WITH placed AS (
      SELECT (so."created_at" AT TIME ZONE ${tz})::date AS "day", so."shop_id", so."currency",
             count(*) FILTER (WHERE so."status" = 'PENDING_PAYMENT') AS "placed_pending",
             count(*) FILTER (WHERE so."status" = 'PAID') AS "placed_paid",
             count(*) FILTER (WHERE so."status" = 'PROCESSING') AS "placed_processing",
             count(*) FILTER (WHERE so."status" = 'SHIPPED') AS "placed_shipped",
             count(*) FILTER (WHERE so."status" = 'DELIVERED') AS "placed_delivered",
             count(*) FILTER (WHERE so."status" = 'CANCELLED') AS "placed_cancelled",
             count(*) FILTER (WHERE so."status" = 'REFUNDED') AS "placed_refunded"
        FROM "seller_orders" so ${scope("so", "created_at")}
       GROUP BY 1, 2, 3
    ), booked AS (
      SELECT (le."created_at" AT TIME ZONE ${tz})::date AS "day", le."shop_id", le."currency",
             count(*) FILTER (WHERE le."kind" = 'SALE') AS "orders_paid",
             coalesce(sum(le."amount_cents") FILTER (WHERE le."kind" = 'SALE'), 0) AS "gross_cents",
             coalesce(-sum(le."amount_cents") FILTER (WHERE le."kind" = 'COMMISSION'), 0) AS "commission_cents",
             count(*) FILTER (WHERE le."kind" = 'REFUND') AS "refunds",
             coalesce(-sum(le."amount_cents") FILTER (WHERE le."kind" = 'REFUND'), 0) AS "refund_cents",
             coalesce(sum(le."amount_cents") FILTER (WHERE le."kind" = 'COMMISSION_REFUND'), 0) AS "commission_refund_cents"
        FROM "ledger_entries" le ${scope("le", "created_at")}
       GROUP BY 1, 2, 3
    ), units AS (
      SELECT (le."created_at" AT TIME ZONE ${tz})::date AS "day", le."shop_id", le."currency", sum(oi."quantity") AS "units_paid"
        FROM "ledger_entries" le ${scope("le", "created_at")}
        JOIN "order_items" oi ON oi."seller_order_id" = le."seller_order_id"
       WHERE le."kind" = 'SALE'
       GROUP BY 1, 2, 3
    )
    INSERT INTO "sales_daily" ("day", "shop_id", "currency", "placed_pending", "placed_paid", "placed_processing",
      "placed_shipped", "placed_delivered", "placed_cancelled", "placed_refunded", "orders_paid", "units_paid",
      "gross_cents", "commission_cents", "refunds", "refund_cents", "commission_refund_cents")
    SELECT "day", "shop_id", "currency",
           coalesce(p."placed_pending", 0), coalesce(p."placed_paid", 0), coalesce(p."placed_processing", 0),
           coalesce(p."placed_shipped", 0), coalesce(p."placed_delivered", 0), coalesce(p."placed_cancelled", 0),
           coalesce(p."placed_refunded", 0), coalesce(b."orders_paid", 0), coalesce(u."units_paid", 0),
           coalesce(b."gross_cents", 0), coalesce(b."commission_cents", 0), coalesce(b."refunds", 0),
           coalesce(b."refund_cents", 0), coalesce(b."commission_refund_cents", 0)
      FROM placed p
      FULL JOIN booked b USING ("day", "shop_id", "currency")
      LEFT JOIN units u USING ("day", "shop_id", "currency")`;
  await tx.$executeRaw`
    INSERT INTO "product_sales_daily" ("day", "product_id", "currency", "shop_id", "units", "revenue_cents")
    SELECT (le."created_at" AT TIME ZONE ${tz})::date, oi."product_id", le."currency", le."shop_id",
           sum(oi."quantity"), sum(oi."line_total_cents")
      FROM "ledger_entries" le ${scope("le", "created_at")}
      JOIN "order_items" oi ON oi."seller_order_id" = le."seller_order_id"
     WHERE le."kind" = 'SALE'
     GROUP BY 1, 2, 3, 4`;
  return written;
}

const SUMMED = ["placed_pending", "placed_paid", "placed_processing", "placed_shipped", "placed_delivered", "placed_cancelled", "placed_refunded", "orders_paid", "units_paid", "gross_cents", "commission_cents", "refunds", "refund_cents", "commission_refund_cents"];

/** platform_sales_daily of the given days (a query of `day`s), or of every day: sums of sales_daily. */
async function sumPlatformDays(tx: Tx, days: Prisma.Sql | null): Promise<void> {
  const columns = Prisma.raw(SUMMED.map((c) => `"${c}"`).join(", "));
  const sums = Prisma.raw(SUMMED.map((c) => `sum("${c}")`).join(", "));
  await tx.$executeRaw`
    INSERT INTO "platform_sales_daily" ("day", "currency", ${columns})
    SELECT "day", "currency", ${sums} FROM "sales_daily"
     WHERE ${days ? Prisma.sql`"day" IN (${days})` : Prisma.sql`TRUE`}
     GROUP BY 1, 2`;
}

/** shop_sales_monthly of the given (month, shop_id) pairs (a query), or of every month: from sales_daily and product_sales_daily. */
async function sumShopMonths(tx: Tx, keys: Prisma.Sql | null): Promise<void> {
  const scope = (alias: string) =>
    keys
      ? Prisma.sql`JOIN (${keys}) k ON k."shop_id" = ${Prisma.raw(`${alias}."shop_id"`)} AND ${Prisma.raw(`${alias}."day"`)} >= k."month" AND ${Prisma.raw(`${alias}."day"`)} < (k."month" + interval '1 month')`
      : Prisma.empty;
  await tx.$executeRaw`
    INSERT INTO "shop_sales_monthly" ("month", "currency", "shop_id", "gross_cents", "units_paid", "top_product_cents")
    SELECT "month", "currency", "shop_id", coalesce(s."gross_cents", 0), coalesce(s."units_paid", 0), coalesce(p."top_product_cents", 0)
      FROM (SELECT date_trunc('month', s."day")::date AS "month", s."currency", s."shop_id", sum(s."gross_cents") AS "gross_cents", sum(s."units_paid") AS "units_paid"
              FROM "sales_daily" s ${scope("s")} GROUP BY 1, 2, 3) s
      FULL JOIN (SELECT "month", "currency", "shop_id", max("cents") AS "top_product_cents"
                   FROM (SELECT date_trunc('month', p."day")::date AS "month", p."currency", p."shop_id", p."product_id", sum(p."revenue_cents") AS "cents"
                           FROM "product_sales_daily" p ${scope("p")} GROUP BY 1, 2, 3, 4) pm
                  GROUP BY 1, 2, 3) p USING ("month", "currency", "shop_id")`;
}

/** Joins orders `o` to the days of `days` (a query of `day`s) by each day's window of paid_at: the (paid_at, buyer_id) index serves it. */
const paidOn = (tz: string, days: Prisma.Sql) =>
  Prisma.sql`JOIN (${days}) d ON o."paid_at" >= (d."day"::timestamp AT TIME ZONE ${tz}) AND o."paid_at" < ((d."day" + 1)::timestamp AT TIME ZONE ${tz})`;

/** Bits per row of paying_buyers_daily (its column is BIT(8192)). */
export const BUYER_CHUNK_BITS = 8192;

/**
 * Gives the next free numbers to the buyers of paid orders (`o`, those `scope` joins, or all) that have none yet, in the order of their first payment. Numbers are never reused
 * or moved, so that existing bitmaps stay right; only this rebuilder (under its lock) writes them.
 */
async function numberBuyers(tx: Tx, scope: Prisma.Sql): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "stats_buyer_numbers" ("buyer_id", "buyer_no")
    SELECT b."buyer_id", (SELECT coalesce(max("buyer_no"), -1) FROM "stats_buyer_numbers") + row_number() OVER (ORDER BY b."first", b."buyer_id")
      FROM (SELECT o."buyer_id", min(o."paid_at") AS "first"
              FROM "orders" o ${scope}
             WHERE o."paid_at" IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM "stats_buyer_numbers" n WHERE n."buyer_id" = o."buyer_id")
             GROUP BY o."buyer_id") b`;
}

/** paying_buyers_daily of the given days (a query of `day`s), or of every day: one bit per buyer with an order paid that day. */
async function insertBuyerDays(tx: Tx, tz: string, days: Prisma.Sql | null): Promise<void> {
  const day = Prisma.sql`(o."paid_at" AT TIME ZONE ${tz})::date`;
  const scope = days ? paidOn(tz, days) : Prisma.empty;
  await tx.$executeRaw`
    INSERT INTO "paying_buyers_daily" ("day", "chunk", "buyers")
    SELECT ${day}, n."buyer_no" / ${BUYER_CHUNK_BITS}::int, bit_or(B'1'::bit(8192) >> (n."buyer_no" % ${BUYER_CHUNK_BITS}::int))
      FROM "orders" o ${scope}
      JOIN "stats_buyer_numbers" n ON n."buyer_id" = o."buyer_id"
     WHERE o."paid_at" IS NOT NULL
     GROUP BY 1, 2`;
}

/** paying_buyers_monthly of the given months (a query of `month`s), or of every month: the OR of the month's daily bitmaps. */
async function sumBuyerMonths(tx: Tx, months: Prisma.Sql | null): Promise<void> {
  const scope = months ? Prisma.sql`JOIN (${months}) m ON d."day" >= m."month" AND d."day" < m."month" + interval '1 month'` : Prisma.empty;
  await tx.$executeRaw`
    INSERT INTO "paying_buyers_monthly" ("month", "chunk", "buyers")
    SELECT date_trunc('month', d."day")::date, d."chunk", bit_or(d."buyers")
      FROM "paying_buyers_daily" d ${scope}
     GROUP BY 1, 2`;
}

/**
 * Runs `refreshRollups` in this process at once, then every `intervalSeconds` (0: never). Every
 * replica runs it; the advisory lock makes all but one skip each round. Stopping waits for a round
 * under way (lib/periodic.ts): the database closes after it, not in the middle of it.
 */
export function startRollupRebuilder(db: Db, opts: { timeZone: string; intervalSeconds: number }, onFailure: (err: unknown) => void): Periodic {
  const refresh = async () => {
    await refreshRollups(db, opts.timeZone);
  };
  return startPeriodic(refresh, { intervalMs: opts.intervalSeconds * 1000, firstRoundMs: 0, onFailure });
}
