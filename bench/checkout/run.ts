/**
 * Checkout benchmark (issue "Performance (a benchmark)"): 200 concurrent buyers checking out carts
 * of 1–3 lines over 20 hot variants on PostgreSQL.
 *
 *   1. Creates a template database of its own (migrated, seeded by fixture.ts: 5 shops × 4 hot
 *      variants with `--stock` units each, `--buyers` buyers with a session and a cart each).
 *   2. For each run, and in it for each server — "ours" (the real server, server-ours.ts) and
 *      "raw" (plain Fastify + node-postgres doing the core SQL, server-raw.ts), alternating which
 *      goes first — copies the template, starts the server in a child process and plays rounds:
 *      every buyer's cart is refilled with 1–3 random hot variants (untimed; the same carts for
 *      ours and raw in a run), then all buyers check out at once over HTTP (keep-alive, one
 *      connection each), each request timed from send to the end of its response. `--warmup`
 *      rounds first (their orders count in the stock check, not in the figures).
 *   3. After each phase, proves in SQL: no variant's stock < 0, and for every variant
 *      initial stock = stock + units in its non-cancelled orders; every order's total equals the
 *      sum of its lines; as many orders as 200 responses.
 *   4. Prints the tables (medians over runs), writes bench/results/checkout-<time>.json, stops the
 *      servers and drops the databases, also after a failure or at the deadline.
 *
 * Usage: pnpm --filter @marketplace/bench checkout [--runs=3] [--rounds=5] [--warmup=1]
 *        [--buyers=200] [--stock=110] [--pool=20] [--only=ours,raw] [--deadline=175]
 * Env: BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_DB (mk_bench_co),
 *      BENCH_TX_MAX_WAIT (ms: ours' Prisma transaction maxWait/timeout, see server-ours.ts),
 *      BENCH_LOG_LEVEL (ours' log level, default silent), BENCH_SERVER_NODE_ARGS (e.g. --cpu-prof).
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { dropDatabase } from "../lib/databases.ts";
import { checkInvariants, cloneDatabase, createTemplate, fillCarts, type Buyer, type InvariantReport, type Seeded } from "./fixture.ts";
import { SESSION_COOKIE, type FromServer, type ServerEnv, type ToServer } from "./protocol.ts";
import { fmt, median, percentile, rng, sortedCopy } from "../lib/stats.ts";

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const opts = {
  runs: Number(arg("runs", "3")),
  rounds: Number(arg("rounds", "5")),
  warmup: Number(arg("warmup", "1")),
  buyers: Number(arg("buyers", "200")),
  shops: 5,
  variantsPerShop: 4,
  stock: Number(arg("stock", "110")),
  pool: Number(arg("pool", "20")),
  only: arg("only", "ours,raw").split(",").filter(Boolean) as Kind[],
  seed: 20261127,
  /** Hard stop: children killed, databases dropped, exit 1. */
  deadlineS: Number(arg("deadline", "175")),
};
const adminUrl = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbBase = process.env.BENCH_DB ?? "mk_bench_co";
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const log = (msg: string) => console.log(`[checkout] ${msg}`);

type Kind = "ours" | "raw";
const PATHS: Record<Kind, string> = { ours: "/trpc/checkout.placeOrder", raw: "/checkout" };

// ---- cleanup: whatever happens, children stop and databases go -------------------------------
const children = new Set<ChildProcess>();
const databases = new Set<string>();
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of children) c.kill("SIGKILL");
    for (const name of databases) await dropDatabase(adminUrl, name).catch((e: unknown) => console.error(`drop ${name}:`, e));
  })();
  return cleaning;
}
const deadline = setTimeout(() => {
  console.error(`[checkout] deadline of ${opts.deadlineS} s reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, opts.deadlineS * 1000);
deadline.unref();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void cleanup().finally(() => process.exit(130)));

// ---- server processes ------------------------------------------------------------------------
interface Running {
  url: string;
  child: ChildProcess;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind, env: ServerEnv): Promise<Running> {
  const child = fork(here(`./server-${kind}.ts`), [], {
    execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)],
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      children.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 30 s`)), 30_000);
    child.on("message", (m: FromServer) => {
      if (m.type !== "ready") return;
      clearTimeout(timer);
      resolve(m.url);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with ${code}`));
    });
  });
  return {
    url,
    child,
    cpu: () =>
      new Promise((resolve) => {
        const on = (m: FromServer) => {
          if (m.type !== "cpu") return;
          child.off("message", on);
          resolve(m.userMs + m.systemMs);
        };
        child.on("message", on);
        child.send({ type: "cpu" } satisfies ToServer);
      }),
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (children.has(child)) child.kill("SIGKILL");
    },
  };
}

// ---- one checkout over HTTP ------------------------------------------------------------------
interface Attempt {
  ms: number;
  outcome: "ok" | "precondition" | "other";
  detail?: string;
}

const address = { name: "Bench Buyer", line1: "1 Load St", city: "Benchville", postalCode: "12345", country: "US" };

function checkout(agent: http.Agent, base: URL, path: string, buyer: Buyer, idempotencyKey: string): Promise<Attempt> {
  const body = JSON.stringify({ json: { idempotencyKey, shippingAddress: address } });
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: "POST",
        path,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), cookie: `${SESSION_COOKIE}=${buyer.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 200) return resolve({ ms, outcome: "ok" });
          if (res.statusCode === 412 && text.includes("PRECONDITION_FAILED")) return resolve({ ms, outcome: "precondition" });
          resolve({ ms, outcome: "other", detail: `${res.statusCode} ${text.slice(0, 300)}` });
        });
      },
    );
    req.on("error", (err) => resolve({ ms: performance.now() - started, outcome: "other", detail: err.message }));
    req.end(body);
  });
}

// ---- one phase: one server, one fresh database, warmup + measured rounds ---------------------
interface RoundResult {
  wallMs: number;
  ok: number;
  precondition: number;
  other: number;
}

interface PhaseResult {
  kind: Kind;
  run: number;
  rounds: RoundResult[];
  attempts: number;
  ok: number;
  precondition: number;
  other: number;
  otherSamples: string[];
  wallMs: number;
  ordersPerS: number;
  attemptsPerS: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  latencyOk: { p50: number; p95: number; p99: number };
  serverCpuPerOrderMs: number;
  /** Orders made in all rounds (warmup too), as counted by the 200 responses. */
  okAllRounds: number;
  invariants: InvariantReport;
  invariantsHold: boolean;
}

async function phase(kind: Kind, run: number, seeded: Seeded, template: string): Promise<PhaseResult> {
  const name = `${dbBase}_${kind}`;
  databases.add(name);
  const url = await cloneDatabase(adminUrl, template, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  const server = await startServer(kind, { DATABASE_URL: url, DATABASE_POOL_SIZE: String(opts.pool) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.buyers, maxFreeSockets: opts.buyers });
  const base = new URL(server.url);
  const random = rng(opts.seed + run); // the same carts for ours and raw in this run
  const rounds: RoundResult[] = [];
  const all: number[] = [];
  const okMs: number[] = [];
  const otherSamples: string[] = [];
  let okAllRounds = 0;
  let cpuStart = 0;
  try {
    for (let r = 0; r < opts.warmup + opts.rounds; r++) {
      const measured = r >= opts.warmup;
      if (r === opts.warmup) cpuStart = await server.cpu();
      await fillCarts(pool, seeded.buyers, seeded.variants, random);
      const started = performance.now();
      const attempts = await Promise.all(seeded.buyers.map((b, i) => checkout(agent, base, PATHS[kind], b, `bench-${run}-${r}-${i}`)));
      const wallMs = performance.now() - started;
      const count = (o: Attempt["outcome"]) => attempts.filter((a) => a.outcome === o).length;
      okAllRounds += count("ok");
      for (const a of attempts) if (a.detail && otherSamples.length < 5) otherSamples.push(a.detail);
      if (!measured) continue;
      rounds.push({ wallMs, ok: count("ok"), precondition: count("precondition"), other: count("other") });
      for (const a of attempts) {
        all.push(a.ms);
        if (a.outcome === "ok") okMs.push(a.ms);
      }
    }
    const cpuMs = (await server.cpu()) - cpuStart;
    await server.stop();
    agent.destroy();
    const invariants = await checkInvariants(pool, seeded.variants);
    const sum = (f: (r: RoundResult) => number) => rounds.reduce((n, r) => n + f(r), 0);
    const wallMs = sum((r) => r.wallMs);
    const ok = sum((r) => r.ok);
    const sAll = sortedCopy(all);
    const sOk = sortedCopy(okMs);
    const invariantsHold =
      invariants.negativeStock === 0 && invariants.unaccounted.length === 0 && invariants.badTotals === 0 && invariants.orders === okAllRounds;
    return {
      kind,
      run,
      rounds,
      attempts: all.length,
      ok,
      precondition: sum((r) => r.precondition),
      other: sum((r) => r.other),
      otherSamples,
      wallMs,
      ordersPerS: ok / (wallMs / 1000),
      attemptsPerS: all.length / (wallMs / 1000),
      latency: { p50: percentile(sAll, 50), p95: percentile(sAll, 95), p99: percentile(sAll, 99), max: sAll[sAll.length - 1] ?? NaN },
      latencyOk: { p50: percentile(sOk, 50), p95: percentile(sOk, 95), p99: percentile(sOk, 99) },
      serverCpuPerOrderMs: cpuMs / Math.max(1, ok),
      okAllRounds,
      invariants,
      invariantsHold,
    };
  } finally {
    await server.stop();
    agent.destroy();
    await pool.end();
    await dropDatabase(adminUrl, name);
    databases.delete(name);
  }
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const startedAt = performance.now();
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return (await c.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    } finally {
      await c.end();
    }
  })();
  const machine = {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "?",
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  log(`machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memGiB} GiB, node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadavg.join(" ")}`);
  log(
    `${opts.buyers} buyers, ${opts.shops * opts.variantsPerShop} hot variants × ${opts.stock} units, carts of 1–3 lines (qty 1), ` +
      `${opts.warmup} warmup + ${opts.rounds} measured rounds, ${opts.runs} run(s), pool ${opts.pool}`,
  );
  const template = `${dbBase}_tpl`;
  databases.add(template);
  const seeded = await createTemplate(adminUrl, template, { buyers: opts.buyers, shops: opts.shops, variantsPerShop: opts.variantsPerShop, stock: opts.stock });
  log(`template seeded in ${fmt((performance.now() - startedAt) / 1000)} s`);

  const results: PhaseResult[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    const order = run % 2 ? opts.only : [...opts.only].reverse();
    for (const kind of order) {
      const p = await phase(kind, run, seeded, template);
      results.push(p);
      const inv = p.invariants;
      log(
        `run ${run} ${kind.padEnd(4)}: ${fmt(p.ordersPerS, 0)} orders/s (${fmt(p.attemptsPerS, 0)} attempts/s), ` +
          `p50 ${fmt(p.latency.p50)} / p95 ${fmt(p.latency.p95)} / p99 ${fmt(p.latency.p99)} ms; ` +
          `ok ${p.ok}, PRECONDITION_FAILED ${p.precondition}, other ${p.other}; ` +
          `stock ${inv.unitsLeft} + sold ${inv.unitsSold} = ${inv.unitsLeft + inv.unitsSold} / ${inv.unitsInitial}, ` +
          `${inv.soldOut} sold out, negative ${inv.negativeStock}, unaccounted ${inv.unaccounted.length}, ` +
          `orders ${inv.orders} = 200s ${p.okAllRounds} → ${p.invariantsHold ? "HOLDS" : "BROKEN"}`,
      );
      for (const s of p.otherSamples) log(`  other: ${s}`);
    }
  }

  // ---- summary ----
  const byKind = (k: Kind) => results.filter((r) => r.kind === k);
  const med = (k: Kind, f: (r: PhaseResult) => number) => median(byKind(k).map(f));
  console.log("\n| server | orders/s | attempts/s | p50 ms | p95 ms | p99 ms | p50 ok | p95 ok | ok | PRECONDITION_FAILED | other | server CPU ms/order |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const k of opts.only) {
    console.log(
      `| ${k} | ${fmt(med(k, (r) => r.ordersPerS), 0)} | ${fmt(med(k, (r) => r.attemptsPerS), 0)} | ${fmt(med(k, (r) => r.latency.p50))} | ` +
        `${fmt(med(k, (r) => r.latency.p95))} | ${fmt(med(k, (r) => r.latency.p99))} | ${fmt(med(k, (r) => r.latencyOk.p50))} | ` +
        `${fmt(med(k, (r) => r.latencyOk.p95))} | ${fmt(med(k, (r) => r.ok), 0)} | ${fmt(med(k, (r) => r.precondition), 0)} | ` +
        `${fmt(med(k, (r) => r.other), 0)} | ${fmt(med(k, (r) => r.serverCpuPerOrderMs), 2)} |`,
    );
  }
  const ratios: { run: number; orders: number; attempts: number }[] = [];
  if (opts.only.includes("ours") && opts.only.includes("raw")) {
    for (let run = 1; run <= opts.runs; run++) {
      const o = results.find((r) => r.kind === "ours" && r.run === run)!;
      const w = results.find((r) => r.kind === "raw" && r.run === run)!;
      ratios.push({ run, orders: o.ordersPerS / w.ordersPerS, attempts: o.attemptsPerS / w.attemptsPerS });
    }
    console.log(
      `\nours/raw throughput: orders/s ${ratios.map((r) => fmt(r.orders, 2)).join(", ")} (median ${fmt(median(ratios.map((r) => r.orders)), 2)}); ` +
        `attempts/s median ${fmt(median(ratios.map((r) => r.attempts)), 2)}`,
    );
  }
  const allHold = results.every((r) => r.invariantsHold);
  console.log(`invariants (every phase): ${allHold ? "HOLD" : "BROKEN"} — no stock < 0, initial = stock + sold for every variant, totals = sum of lines, orders = 200 responses`);

  const resultsDir = here("../results");
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}/checkout-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, JSON.stringify({ machine, opts, results, ratios, allHold }, null, 2));
  log(`results: ${file}; took ${fmt((performance.now() - startedAt) / 1000)} s`);
  return allHold;
}

main()
  .then(async (ok) => {
    await cleanup();
    process.exit(ok ? 0 : 1);
  })
  .catch(async (err: unknown) => {
    console.error(err);
    await cleanup();
    process.exit(1);
  });
