/**
 * Dashboards benchmark (issue 15, `bench/stats/`): are `admin.stats` and `seller.stats` fast at a
 * million orders? The real server against plain Fastify + pg running the same statements.
 *
 *   1. Creates its database (migrated by the project's migrator) and seeds it set-based
 *      (seed.ts): `--orders` orders over `--days` days, `--shops` shops, `--buyers` buyers; builds
 *      the rollups in full (timed), checks them against the ledger, and vacuums (what autovacuum
 *      leaves in production: statistics and a visibility map for index-only scans).
 *      `--keep` leaves the database; `--reuse` measures on a kept one (migrated, brought up to date).
 *   2. Signs in an admin and the owners of the shops the seller calls use (sessions).
 *   3. Starts ours (the real server, no answer cache: the cold figures) and raw, checks that both
 *      give the same answers, then calls them one request at a time over HTTP: per round, per
 *      server (ours and raw back to back, alternating which goes first), `--warmup` unmeasured
 *      calls, `--admin-calls` admin.stats for the last 90 days and `--seller-calls` seller.stats
 *      for the last 90 days of random shops (the same shops for both). The load average is
 *      recorded at the start of every round.
 *   4. Then ours with its answer cache on (STATS_ADMIN_CACHE_MS=1500): `--cached-calls` admin
 *      calls, reported apart from the cold figures.
 *   5. Writes bench/results/stats-<time>.json.
 */
import os from "node:os";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { openDatabase, type Database } from "../../server/src/db/client.ts";
import { migrate } from "../../server/src/db/migrate.ts";
import { hashToken, newSessionToken } from "../../server/src/modules/auth/session.service.ts";
import { rebuildAllRollups, refreshRollups } from "../../server/src/modules/stats/rollup-rebuilder.ts";
import { flag, num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { createMigratedDatabase, withDatabase } from "../lib/databases.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { ServerProcess } from "../lib/processes.ts";
import { pick, rng } from "../lib/random.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { fmt, median, percentile, sortedCopy } from "../lib/stats.ts";
import { RAW_SKIPS, SESSION_COOKIE, type ServerEnv } from "./protocol.ts";
import type { Latency, StatsSummary } from "./report.ts";
import { seedStats } from "./seed.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench stats",
    about: "admin.stats and seller.stats (last 90 days) at 1,000,000 orders: the real server against plain Fastify + pg running the same statements.",
    env: { ...PG_ENV, BENCH_DB: "the database the run creates and drops (default mk_bench_stats)" },
  },
  {
    orders: num(1_000_000, "orders seeded (one seller order of one item each)"),
    shops: num(5_000, "shops (4 products each)"),
    buyers: num(50_000, "buyers"),
    days: num(730, "days the orders are spread over, ending now"),
    rounds: num(3, "rounds (ours and raw back to back, alternating which goes first)"),
    warmup: num(3, "unmeasured calls per kind per server per round first"),
    "admin-calls": num(30, "admin.stats calls per server per round"),
    "seller-calls": num(100, "seller.stats calls per server per round"),
    "cached-calls": num(30, "admin.stats calls to ours with its answer cache on (0: skip)"),
    pool: num(10, "database pool size of both servers"),
    deadline: num(3600, "seconds: hard stop (servers killed, database dropped, exit 1)"),
    keep: flag("keep the database at the end"),
    reuse: flag("measure on the database a --keep run left (no seed, no full rebuild)"),
  },
);
const SEED = 20261207;
const pgUrl = pgAdminUrl();
const dbName = process.env.BENCH_DB ?? "mk_bench_stats";
const bench = new BenchRun("stats", pgUrl, opts.deadline);
bench.keepDatabases = opts.keep || opts.reuse;
const log = bench.log;
const recorder = new ResultsRecorder("stats");
const loadNow = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

type Kind = "ours" | "raw";
interface Running {
  kind: Kind;
  url: string;
  process: ServerProcess;
}

async function startServer(kind: Kind, name: string, env: ServerEnv): Promise<Running> {
  const p = await ServerProcess.start({ name, script: new URL(`./server-${kind}.ts`, import.meta.url), env: { ...env } });
  return { kind, url: p.url, process: p };
}

type Call = "admin" | "seller";
const INPUT = { period: "90d" } as const;

/** One call; the answer unwrapped from tRPC's envelope for ours (superjson's `json` part). */
async function call(s: Running, what: Call, token: string): Promise<{ ms: number; body: unknown }> {
  const url =
    s.kind === "ours"
      ? `${s.url}/trpc/${what === "admin" ? "admin" : "seller"}.stats?input=${encodeURIComponent(JSON.stringify({ json: INPUT }))}`
      : `${s.url}/${what}?period=${INPUT.period}`;
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${s.kind} ${what}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  const parsed = JSON.parse(text) as { result?: { data?: { json?: unknown } } };
  return { ms, body: s.kind === "ours" ? parsed.result?.data?.json : parsed };
}

function latency(ms: number[]): Latency {
  const s = sortedCopy(ms);
  return { calls: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: percentile(s, 100) };
}

/** What the seeded database holds, after the rollups are built. */
async function prepare(): Promise<{ database: Database; url: string; seedS: number; rebuildS: number; rollupRows: number }> {
  let database: Database;
  let url: string;
  let seedS = 0;
  let rebuildS = 0;
  if (opts.reuse) {
    url = withDatabase(pgUrl, dbName);
    database = await openDatabase({ url, poolSize: 2 });
    const conn = await database.connect();
    await migrate(conn);
    await conn.close();
    const t0 = performance.now();
    const run = await refreshRollups(database.prisma, "UTC");
    rebuildS = (performance.now() - t0) / 1000;
    log(`reusing ${dbName}: rollups brought up to date (${run.outcome}) in ${fmt(rebuildS)} s`);
  } else {
    bench.ownDatabase(dbName);
    ({ url, database } = await createMigratedDatabase(pgUrl, dbName, 2));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const t0 = performance.now();
    try {
      await seedStats(client, opts, (s) => log(`seed ${s.trim()}`));
    } finally {
      await client.end();
    }
    seedS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await rebuildAllRollups(database.prisma, "UTC");
    rebuildS = (performance.now() - t1) / 1000;
    log(`seeded in ${fmt(seedS)} s; rollups built in full in ${fmt(rebuildS)} s`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
    const c = (
      await client.query<{ rollup: string; ledger: string; rows: string }>(`
        SELECT (SELECT sum("gross_cents") FROM "sales_daily")::text AS "rollup",
               (SELECT sum("amount_cents") FROM "ledger_entries" WHERE "kind" = 'SALE')::text AS "ledger",
               (SELECT count(*) FROM "sales_daily")::text AS "rows"`)
    ).rows[0]!;
    if (c.rollup !== c.ledger) throw new Error(`rollups ${c.rollup} ≠ ledger ${c.ledger}`);
    log(`${c.rows} day × shop rows; their gross equals the ledger's sales (${c.ledger} cents)`);
    return { database, url, seedS, rebuildS, rollupRows: Number(c.rows) };
  } finally {
    await client.end();
  }
}

/** An admin and the owners of `shops` signed in: a session token each. */
async function signIn(url: string, shops: number[]): Promise<{ admin: string; sellers: Map<number, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO "users" ("id", "email", "name", "password_hash", "role", "created_at", "updated_at")
      VALUES ('bs-admin', 'admin@bench.test', 'Bench admin', 'x', 'ADMIN', now() - interval '3 years', now()) ON CONFLICT DO NOTHING`);
    const admin = newSessionToken().token;
    const sellers = new Map(shops.map((s) => [s, newSessionToken().token]));
    const users = ["bs-admin", ...[...sellers.keys()].map((s) => `bs-s-${s}`)];
    const tokens = [admin, ...sellers.values()];
    await client.query(
      `INSERT INTO "sessions" ("id", "user_id", "token_hash", "user_agent", "ip", "expires_at")
       SELECT gen_random_uuid()::text, u, h, 'bench', '127.0.0.1', now() + interval '1 day' FROM unnest($1::text[], $2::text[]) AS t(u, h)`,
      [users, tokens.map(hashToken)],
    );
    return { admin, sellers };
  } finally {
    await client.end();
  }
}

async function main(): Promise<boolean> {
  const postgres = await recorder.readPostgresVersion(pgUrl);
  log(`${recorder.describeMachine()}; PostgreSQL ${postgres}`);
  const prepared = await prepare();
  await prepared.database.close();
  const random = rng(SEED);
  const shopsByRound = Array.from({ length: opts.rounds }, () => Array.from({ length: opts.warmup + opts["seller-calls"] }, () => 1 + pick(random, opts.shops)));
  const { admin, sellers } = await signIn(prepared.url, [...new Set(shopsByRound.flat())]);
  const env = (cacheMs: number): ServerEnv => ({ DATABASE_URL: prepared.url, DATABASE_POOL_SIZE: String(opts.pool), STATS_ADMIN_CACHE_MS: String(cacheMs) });
  const ours = await startServer("ours", "ours", env(0));
  const raw = await startServer("raw", "raw", env(0));
  log(`ours at ${ours.url}, raw at ${raw.url}`);

  // Both give the same answers (a shop with sales and the admin's).
  for (const what of ["admin", "seller"] as const) {
    const token = what === "admin" ? admin : sellers.get(shopsByRound[0]![0]!)!;
    const [a, b] = [await call(ours, what, token), await call(raw, what, token)];
    if (!isDeepStrictEqual(a.body, b.body)) throw new Error(`ours and raw answer ${what}.stats differently:\n${JSON.stringify(a.body).slice(0, 600)}\n${JSON.stringify(b.body).slice(0, 600)}`);
  }
  log("ours and raw give the same answers");

  interface RoundRun {
    round: number;
    server: Kind;
    loadAverage: number[];
    admin: number[];
    seller: number[];
  }
  const runs: RoundRun[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? [ours, raw] : [raw, ours];
    for (const s of order) {
      const run: RoundRun = { round, server: s.kind, loadAverage: loadNow(), admin: [], seller: [] };
      for (let i = 0; i < opts.warmup; i++) await call(s, "admin", admin);
      for (let i = 0; i < opts["admin-calls"]; i++) run.admin.push((await call(s, "admin", admin)).ms);
      const shops = shopsByRound[round]!;
      for (let i = 0; i < shops.length; i++) {
        const { ms } = await call(s, "seller", sellers.get(shops[i]!)!);
        if (i >= opts.warmup) run.seller.push(ms);
      }
      runs.push(run);
      const a = latency(run.admin);
      const sl = latency(run.seller);
      log(`round ${round + 1} ${s.kind.padEnd(4)} (load ${run.loadAverage.join(" ")}): admin p50/p95 ${fmt(a.p50)}/${fmt(a.p95)} ms, seller p50/p95 ${fmt(sl.p50)}/${fmt(sl.p95)} ms`);
    }
  }
  await ours.process.stop();
  await raw.process.stop();

  let cached: StatsSummary["cached"] = null;
  if (opts["cached-calls"] > 0) {
    const oursCached = await startServer("ours", "ours (cache)", env(1500));
    const loadAverage = loadNow();
    for (let i = 0; i < opts.warmup; i++) await call(oursCached, "admin", admin);
    const ms: number[] = [];
    for (let i = 0; i < opts["cached-calls"]; i++) ms.push((await call(oursCached, "admin", admin)).ms);
    await oursCached.process.stop();
    cached = { cacheMs: 1500, loadAverage, admin: latency(ms) };
    log(`ours with its answer cache (1.5 s), load ${loadAverage.join(" ")}: admin p50/p95 ${fmt(cached.admin.p50)}/${fmt(cached.admin.p95)} ms`);
  }

  const pooled = (server: Kind, what: Call) => latency(runs.filter((r) => r.server === server).flatMap((r) => r[what]));
  const ratios = (what: Call, p: "p50" | "p95") =>
    Array.from({ length: opts.rounds }, (_, round) => {
      const o = latency(runs.find((r) => r.round === round && r.server === "ours")![what]);
      const w = latency(runs.find((r) => r.round === round && r.server === "raw")![what]);
      return o[p] / w[p];
    });
  const kind = (what: Call) => {
    const r50 = ratios(what, "p50");
    const r95 = ratios(what, "p95");
    return {
      ours: pooled("ours", what),
      raw: pooled("raw", what),
      ratioP50: median(r50),
      ratioP50Range: [Math.min(...r50), Math.max(...r50)] as [number, number],
      ratioP95: median(r95),
      ratioP95Range: [Math.min(...r95), Math.max(...r95)] as [number, number],
    };
  };
  const summary: StatsSummary = {
    orders: opts.orders,
    shops: opts.shops,
    buyers: opts.buyers,
    days: opts.days,
    reused: opts.reuse,
    seedS: prepared.seedS,
    rebuildS: prepared.rebuildS,
    rollupRows: prepared.rollupRows,
    rounds: opts.rounds,
    roundLoads: runs.map((r) => ({ round: r.round + 1, server: r.server, loadAverage: r.loadAverage })),
    admin: kind("admin"),
    seller: kind("seller"),
    cached,
    rawSkips: RAW_SKIPS,
  };
  const file = recorder.write({ ...opts, seed: SEED }, summary, { runs });
  log(`written ${file}`);
  return true;
}

bench.run(main);
