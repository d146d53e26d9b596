/**
 * Dashboards benchmark (issue 15, `bench/stats/`): are `admin.stats` and `seller.stats` fast at a
 * million orders? Self-contained on purpose (node-postgres, the server's migrator and services).
 *
 *   1. Creates a database of its own on BENCH_PG_URL's server, migrated, and seeds it with
 *      set-based SQL (seed.ts): `--orders` orders over `--days` days, `--shops` shops.
 *   2. Builds the sales rollups in full (timed) and checks them against the ledger's totals.
 *   3. Calls the services the procedures call (admin.stats and seller.stats for the last 90
 *      days, the latter for random shops), one call at a time after a warm-up, and prints
 *      p50/p95/max with the load average before and after (the machine may be shared).
 *   4. Writes stats/results/stats-<time>.json and drops the database (unless `--keep`).
 *
 * Usage: pnpm --filter @marketplace/bench stats [--orders=1000000] [--shops=5000] [--buyers=50000]
 *        [--days=730] [--admin-calls=40] [--seller-calls=200] [--keep] [--reuse]
 * `--keep` leaves the database; `--reuse` measures again on a kept one (no seed, no rebuild).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadConfig } from "../../server/src/config.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { migrate } from "../../server/src/db/migrate.ts";
import { adminStats } from "../../server/src/modules/stats/admin-stats.service.ts";
import { rebuildAllRollups, refreshRollups } from "../../server/src/modules/stats/rollup-rebuilder.ts";
import { sellerStats } from "../../server/src/modules/stats/seller-stats.service.ts";
import type { AppDeps, ShopContext } from "../../server/src/trpc/context.ts";
import { seedStats } from "./seed.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const opts = {
  orders: Number(arg("orders", "1000000")),
  shops: Number(arg("shops", "5000")),
  buyers: Number(arg("buyers", "50000")),
  days: Number(arg("days", "730")),
  adminCalls: Number(arg("admin-calls", "40")),
  sellerCalls: Number(arg("seller-calls", "200")),
  keep: process.argv.includes("--keep") || process.argv.includes("--reuse"),
  reuse: process.argv.includes("--reuse"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  dbName: "mk_bench_stats",
};
const log = (s: string) => console.log(s);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: opts.pgUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { calls: s.length, p50: +at(50).toFixed(1), p95: +at(95).toFixed(1), max: +at(100).toFixed(1) };
}

async function timed(calls: number, warmup: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  return summary(ms);
}

async function main() {
  const loadBefore = load();
  log(`dashboards benchmark: ${opts.orders} orders over ${opts.days} days, ${opts.shops} shops; load average ${loadBefore}, ${os.cpus().length} CPUs`);
  if (!opts.reuse) {
    await admin(`DROP DATABASE IF EXISTS "${opts.dbName}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${opts.dbName}"`);
  }
  const url = new URL(opts.pgUrl);
  url.pathname = `/${opts.dbName}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 10 });
  try {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    let t0 = performance.now();
    let seedS = 0;
    let rebuildS = 0;
    const db = database.prisma;
    if (opts.reuse) {
      log("reusing the kept database: vacuum analyze");
      await client.query("VACUUM ANALYZE");
    } else {
      const conn = await database.connect();
      await migrate(conn);
      await conn.close();
      log("seeding:");
      await seedStats(client, opts, log);
      seedS = seconds(t0);
      t0 = performance.now();
      await rebuildAllRollups(db, "UTC");
      rebuildS = seconds(t0);
    }
    const check = await client.query<{ rollup: string; ledger: string; rows: string }>(`
      SELECT (SELECT sum("gross_cents") FROM "sales_daily")::text AS "rollup",
             (SELECT sum("amount_cents") FROM "ledger_entries" WHERE "kind" = 'SALE')::text AS "ledger",
             (SELECT count(*) FROM "sales_daily")::text AS "rows"`);
    const c = check.rows[0]!;
    if (c.rollup !== c.ledger) throw new Error(`rollups ${c.rollup} ≠ ledger ${c.ledger}`);
    log(`rollups${opts.reuse ? "" : ` rebuilt in full: ${rebuildS.toFixed(1)} s,`} ${c.rows} day × shop rows; gross equals the ledger's sales (${c.ledger} cents)`);
    await client.end();

    t0 = performance.now();
    await refreshRollups(db, "UTC");
    const incrementalMs = performance.now() - t0;
    const deps = { config: loadConfig({ NODE_ENV: "test", STATS_TIME_ZONE: "UTC" }) } as AppDeps;
    const adminResult = await timed(opts.adminCalls, 3, () => adminStats({ db, deps }, { period: "90d" }));
    log(`admin.stats 90 days: ${JSON.stringify(adminResult)} ms`);
    const shops = Array.from({ length: opts.sellerCalls + 3 }, () => 1 + Math.floor(Math.random() * opts.shops));
    const sellerResult = await timed(opts.sellerCalls, 3, (i) => {
      const id = `bs-shop-${shops[i < 0 ? opts.sellerCalls - i : i]}`;
      const ctx = { db, deps, shop: { id, name: id, slug: id, status: "ACTIVE" }, user: { id: "x", email: "x", name: "x", role: "SELLER", status: "ACTIVE" }, sessionId: "x" } as unknown as ShopContext;
      return sellerStats(ctx, { period: "90d" });
    });
    log(`seller.stats 90 days: ${JSON.stringify(sellerResult)} ms`);
    const loadAfter = load();
    log(`incremental rollup run with nothing new: ${incrementalMs.toFixed(1)} ms; load average after ${loadAfter}`);
    const out = fileURLToPath(new URL("./results/", import.meta.url));
    mkdirSync(out, { recursive: true });
    const file = `${out}stats-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${JSON.stringify({ opts: { ...opts, pgUrl: undefined }, seedS, rebuildS, rollupRows: Number(c.rows), incrementalMs, admin90d: adminResult, seller90d: sellerResult, loadBefore, loadAfter, cpus: os.cpus().length }, null, 2)}\n`);
    log(`written ${file}`);
  } finally {
    await database.close();
    if (!opts.keep) await admin(`DROP DATABASE IF EXISTS "${opts.dbName}" WITH (FORCE)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
