/**
 * Soak (issue "Restarts and failovers lose nothing"): the marketplace as an operator runs it, two
 * server processes (`server/src/main.ts`, NODE_ENV=production) on one PostgreSQL database and
 * Redis, under mixed load for `--minutes` (default 10):
 *
 *   1. Creates its own database (migrated, the demo data seeded, `--users` buyers with sessions).
 *   2. Starts servers A and B, opens `--sockets` Socket.IO connections over both (buyers, sellers,
 *      product watchers), and runs one loop per buyer (reads, carts, checkouts retried once with
 *      the same idempotency key, test payments, cancellations) and one per demo seller (moving
 *      orders along, refunds, restocks), sent round robin to the processes that are up.
 *   3. Mid-run, two faults: at 40 % server A gets SIGTERM and is started again; at 65 % every
 *      connection to the database is killed (pg_terminate_backend). Requests ending in those
 *      windows are counted apart from the steady state.
 *   4. Stops the load and the servers (SIGTERM), then runs `pnpm doctor`'s command on the
 *      database as its last step: the run fails unless every check passes, and unless every
 *      order a checkout answered with exists, once per idempotency key.
 *   5. Writes bench/results/soak-<time>.json (README tables: `pnpm --filter @marketplace/bench report`).
 *
 * Not part of `pnpm test`. `pnpm --filter @marketplace/bench soak --help` lists the options.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { flag, num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { rng } from "../lib/random.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { createSoakDatabase } from "./fixture.ts";
import { Balancer, buyerLoop, LoadTally, sellerLoop } from "./load.ts";
import type { SoakSummary } from "./report.ts";
import { freePort, MarketplaceProcess } from "./servers.ts";
import { SocketPopulation } from "./sockets.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench soak",
    about: "Two server processes on PostgreSQL and Redis under mixed load, one restarted with SIGTERM and every database connection killed mid-run; pnpm doctor must pass at the end.",
    env: { ...PG_ENV, BENCH_REDIS_URL: "Redis (default redis://127.0.0.1:6379)" },
  },
  {
    minutes: num(10, "minutes of load"),
    users: num(60, "buyers, each one loop of requests"),
    sockets: num(300, "Socket.IO connections over both processes"),
    pool: num(10, "database pool size of each process"),
    keep: flag("keep the database at the end (for looking at it)"),
  },
);
const adminUrl = pgAdminUrl();
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const dbName = "mk_bench_soak";
const bench = new BenchRun("soak", adminUrl, opts.minutes * 60 + 600);
bench.keepDatabases = opts.keep;
const log = bench.log;
const recorder = new ResultsRecorder("soak");
const serverDir = fileURLToPath(new URL("../../server/", import.meta.url));

/** `pnpm doctor` (the server's CLI) on the soak's database: its exit code, its output and its JSON report. */
function runDoctor(url: string): Promise<{ code: number | null; output: string; report: { ok: boolean; checks: { name: string; checked: number; offendingCount: number; offending: string[]; error: string | null }[] } | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/db/cli/doctor.ts", "--json"], {
      cwd: serverDir,
      env: { ...process.env, DATABASE_URL: url, SWEEP_INTERVAL_SECONDS: "5", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => {
      const json = output.split("\n").filter((l) => l.startsWith("{")).pop();
      resolve({ code, output: output.split("\n").filter((l) => !l.startsWith("{")).join("\n"), report: json ? JSON.parse(json) : null });
    });
  });
}

/** The first, highest and last of a series of samples (null: no sample). */
function firstPeakLast(samples: (number | null)[]): { first: number | null; peak: number | null; last: number | null } {
  const known = samples.filter((v): v is number => v !== null);
  return { first: known[0] ?? null, peak: known.length ? Math.max(...known) : null, last: known.at(-1) ?? null };
}

async function terminateBackends(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const r = await client.query(`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    return (r.rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

async function main(): Promise<boolean> {
  log(`PostgreSQL ${await recorder.readPostgresVersion(adminUrl)}; ${recorder.describeMachine()}`);
  bench.ownDatabase(dbName);
  const fx = await createSoakDatabase(adminUrl, dbName, opts.users);
  log(`database ${dbName}: demo data, ${fx.variants.length} variants on sale, ${fx.buyers.length} buyers, ${fx.sellers.length} sellers`);

  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    DATABASE_URL: fx.url,
    DATABASE_POOL_SIZE: String(opts.pool),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `soak-${process.pid}:`,
    PAYMENTS: "test",
    MAIL: "off",
    LOG_LEVEL: "warn",
    SEED_DEMO: "false",
    RATE_LIMIT_PER_MINUTE: "10000000",
    SOCKET_CONNECTIONS_PER_IP: "100000",
    SOCKET_REQUESTS_PER_MINUTE: "1000000",
    // Holds expire within the run, so the sweeper's cancellations are part of it.
    ORDER_HOLD_MINUTES: "1",
    SWEEP_INTERVAL_SECONDS: "5",
    MAX_UNPAID_ORDERS: "1000",
    MAX_HELD_UNITS: "1000000",
  };
  const servers = [new MarketplaceProcess("A", await freePort(), env, await freePort()), new MarketplaceProcess("B", await freePort(), env, await freePort())];
  bench.onCleanup(() => servers.forEach((s) => s.kill()));
  await Promise.all(servers.map((s) => s.start()));
  const [a, b] = servers as [MarketplaceProcess, MarketplaceProcess];
  log(`servers up: A ${a.url}, B ${b.url}`);

  const sockets = new SocketPopulation(servers);
  await sockets.open(opts.sockets, fx.buyers, fx.sellers, fx.productIds);
  log(`${sockets.tally.opened} sockets open (${sockets.tally.failedToOpen} failed)`);

  const tally = new LoadTally();
  const lb = new Balancer(servers);
  const random = rng(20261207);
  const durationMs = opts.minutes * 60_000;
  const startedAt = performance.now();
  const endAt = startedAt + durationMs;
  const until = () => performance.now() >= endAt;
  const memory: { atS: number; A: number | null; B: number | null; heapA: number | null; heapB: number | null }[] = [];
  const sample = async () => {
    const atS = Math.round((performance.now() - startedAt) / 1000);
    const [heapA, heapB] = await Promise.all([a.heapUsedMiB(), b.heapUsedMiB()]);
    memory.push({ atS, A: a.rssMiB(), B: b.rssMiB(), heapA, heapB });
  };
  await sample();
  const sampler = setInterval(() => void sample(), 15_000);
  const progress = setInterval(() => log(`${tally.total} requests, ${tally.orderByKey.size} orders, ${JSON.stringify(tally.byPhase.steady)}, memory ${JSON.stringify(memory.at(-1))}`), 30_000);

  const faults: Record<string, unknown> = {};
  const faultPlan = (async () => {
    await new Promise((r) => setTimeout(r, durationMs * 0.4));
    tally.phase = "restart";
    log("fault 1: SIGTERM to server A");
    const t0 = performance.now();
    const code = await a.stop();
    const stoppedMs = Math.round(performance.now() - t0);
    await a.start();
    faults.restart = { exitCode: code, stopMs: stoppedMs, backUpMs: Math.round(performance.now() - t0) };
    log(`server A exited ${code} after ${stoppedMs} ms and was ready again after ${Math.round(performance.now() - t0)} ms`);
    await new Promise((r) => setTimeout(r, 5_000));
    tally.phase = "steady";
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + durationMs * 0.65 - performance.now())));
    tally.phase = "db-kill";
    const killed = await terminateBackends(fx.url);
    faults.dbKill = { terminated: killed };
    log(`fault 2: ${killed} database connections terminated`);
    await new Promise((r) => setTimeout(r, 10_000));
    tally.phase = "steady";
  })();

  await Promise.all([
    ...fx.buyers.map((buyer) => buyerLoop(buyer, fx, lb, tally, until, rng(Math.floor(random() * 2 ** 31)))),
    ...fx.sellers.map((seller) => sellerLoop(seller, lb, tally, until, rng(Math.floor(random() * 2 ** 31)))),
  ]);
  log("load stopped; waiting for the fault plan to end");
  await faultPlan;
  clearInterval(sampler);
  clearInterval(progress);
  await sample();
  const loadS = (performance.now() - startedAt) / 1000;
  sockets.close();
  const exitCodes = { A: await a.stop(), B: await b.stop() };
  log(`load stopped after ${loadS.toFixed(0)} s: ${tally.total} requests; servers exited ${JSON.stringify(exitCodes)}`);

  // Every order a checkout answered with exists, once per key.
  const client = new pg.Client({ connectionString: fx.url });
  await client.connect();
  const answered = [...tally.orderByKey.values()];
  const found = (await client.query(`SELECT count(*)::int AS n FROM "orders" WHERE "id" = ANY($1::text[])`, [answered])).rows[0] as { n: number };
  const placed = (await client.query(`SELECT count(*)::int AS n FROM "orders" WHERE "idempotency_key" LIKE 'soak-%'`)).rows[0] as { n: number };
  const movements = (await client.query(`SELECT "reason"::text, count(*)::int AS n FROM "stock_movements" GROUP BY 1 ORDER BY 1`)).rows as { reason: string; n: number }[];
  const statuses = (await client.query(`SELECT "status"::text, count(*)::int AS n FROM "orders" WHERE "idempotency_key" LIKE 'soak-%' GROUP BY 1 ORDER BY 1`)).rows as { status: string; n: number }[];
  await client.end();

  log(`${placed.n} soak orders; running pnpm doctor:`);
  const doctor = await runDoctor(fx.url);
  console.log(doctor.output.trim());

  const unexpectedSteady = tally.byPhase.steady["server-error"] + tally.byPhase.steady.unavailable + tally.byPhase.steady.network;
  const summary: SoakSummary = {
    minutes: opts.minutes,
    loadSeconds: Math.round(loadS),
    requests: tally.total,
    requestsPerSecond: Math.round(tally.total / loadS),
    byPhase: tally.byPhase,
    byAction: tally.counts,
    unexpectedSteady,
    checkouts: { answered: answered.length, found: found.n, placed: placed.n, retried: tally.retriedCheckouts, keyConflicts: tally.keyConflicts },
    orderStatuses: Object.fromEntries(statuses.map((s) => [s.status, s.n])),
    stockMovements: Object.fromEntries(movements.map((m) => [m.reason, m.n])),
    sockets: sockets.tally,
    faults,
    exitCodes,
    memoryMiB: { first: memory[0] ?? null, last: memory[memory.length - 1] ?? null },
    memoryB: { rss: firstPeakLast(memory.map((m) => m.B)), heap: firstPeakLast(memory.map((m) => m.heapB)) },
    doctor: { exitCode: doctor.code, ok: doctor.report?.ok ?? false, checks: (doctor.report?.checks ?? []).map((c) => ({ name: c.name, checked: c.checked, offending: c.offendingCount, error: c.error })) },
  };
  const file = recorder.write({ minutes: opts.minutes, users: opts.users, sockets: opts.sockets, pool: opts.pool, sellers: fx.sellers.length, variants: fx.variants.length }, summary, { memory, unexpected: tally.unexpected });
  log(`results: ${file}`);
  const ok = doctor.code === 0 && found.n === answered.length && tally.keyConflicts === 0;
  log(ok ? "soak passed: doctor green, every answered order exists once" : "soak FAILED");
  return ok;
}

bench.run(main);
