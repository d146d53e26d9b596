/**
 * Checkout benchmark (issue "Performance (a benchmark)"): 200 concurrent buyers checking out carts
 * of 1–3 lines over 20 hot variants on PostgreSQL.
 *
 *   1. Creates a template database of its own (migrated, seeded by fixture.ts: 5 shops × 4 hot
 *      variants with `--stock` units each, `--buyers` buyers with a session and a cart each).
 *   2. For each run, and in it for each server — "ours" (the real server, server-ours.ts) and
 *      "raw" (plain Fastify + node-postgres doing the same statements, server-raw.ts), alternating which
 *      goes first — copies the template, starts the server in a child process and plays rounds:
 *      every buyer's cart is refilled with 1–3 random hot variants (untimed; the same carts for
 *      ours and raw in a run), then all buyers check out at once over HTTP (keep-alive, one
 *      connection each), each request timed from send to the end of its response. `--warmup`
 *      rounds first (their orders count in the stock check, not in the figures).
 *   3. After each phase, proves in SQL: no variant's stock < 0, and for every variant
 *      initial stock = stock + units in its non-cancelled orders; every order's total equals the
 *      sum of its lines; as many orders as 200 responses.
 *   4. Prints the figures (medians over runs), writes bench/results/checkout-<time>.json, stops the
 *      servers and drops the databases, also after a failure or at the deadline.
 *
 * `pnpm --filter @marketplace/bench checkout --help` lists the options.
 */
import http from "node:http";
import pg from "pg";
import { list, num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { dropDatabase } from "../lib/databases.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { ServerProcess } from "../lib/processes.ts";
import { rng } from "../lib/random.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { fmt, median, percentile, sortedCopy } from "../lib/stats.ts";
import { checkInvariants, cloneDatabase, createTemplate, fillCarts, type Buyer, type InvariantReport, type Seeded } from "./fixture.ts";
import { RAW_SKIPS, SESSION_COOKIE, type ServerEnv } from "./protocol.ts";
import type { CheckoutSummary } from "./report.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench checkout",
    about: "200 buyers checking out at once over 20 hot variants: the real server against plain Fastify + pg doing the same statements.",
    env: {
      ...PG_ENV,
      BENCH_DB: "prefix of the databases the run creates and drops (default mk_bench_co)",
      BENCH_TX_MAX_WAIT: "ms: ours' Prisma transaction maxWait/timeout (a what-if, see server-ours.ts)",
      BENCH_LOG_LEVEL: "ours' log level (default silent)",
    },
  },
  {
    runs: num(3, "runs (each: ours and raw on fresh copies of the template, alternating which goes first)"),
    rounds: num(5, "measured rounds per run and server"),
    warmup: num(1, "unmeasured rounds first"),
    buyers: num(200, "buyers checking out at once"),
    stock: num(110, "units of each hot variant"),
    pool: num(20, "database pool size of both servers"),
    only: list(["ours", "raw"], "servers to run"),
    deadline: num(175, "seconds: hard stop (servers killed, databases dropped, exit 1)"),
  },
);
const SHOPS = 5;
const VARIANTS_PER_SHOP = 4;
const SEED = 20261127;
const adminUrl = pgAdminUrl();
const dbBase = process.env.BENCH_DB ?? "mk_bench_co";
const bench = new BenchRun("checkout", adminUrl, opts.deadline);
const log = bench.log;
const recorder = new ResultsRecorder("checkout");

type Kind = "ours" | "raw";
const kinds = opts.only.filter((k): k is Kind => k === "ours" || k === "raw");
const PATHS: Record<Kind, string> = { ours: "/trpc/checkout.placeOrder", raw: "/checkout" };

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
  bench.ownDatabase(name);
  const url = await cloneDatabase(adminUrl, template, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  const env: ServerEnv = { DATABASE_URL: url, DATABASE_POOL_SIZE: String(opts.pool) };
  const server = await ServerProcess.start({ name: kind, script: new URL(`./server-${kind}.ts`, import.meta.url), env: { ...env } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.buyers, maxFreeSockets: opts.buyers });
  const base = new URL(server.url);
  const random = rng(SEED + run); // the same carts for ours and raw in this run
  const rounds: RoundResult[] = [];
  const all: number[] = [];
  const okMs: number[] = [];
  const otherSamples: string[] = [];
  let okAllRounds = 0;
  let cpuStart = 0;
  try {
    for (let r = 0; r < opts.warmup + opts.rounds; r++) {
      const measured = r >= opts.warmup;
      if (r === opts.warmup) cpuStart = await server.cpuMs();
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
    const cpuMs = (await server.cpuMs()) - cpuStart;
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
    bench.droppedDatabase(name);
  }
}

// ---- main ------------------------------------------------------------------------------------
async function main(): Promise<boolean> {
  await recorder.readPostgresVersion(adminUrl);
  log(recorder.describeMachine());
  log(
    `${opts.buyers} buyers, ${SHOPS * VARIANTS_PER_SHOP} hot variants × ${opts.stock} units, carts of 1–3 lines (qty 1), ` +
      `${opts.warmup} warmup + ${opts.rounds} measured rounds, ${opts.runs} run(s), pool ${opts.pool}`,
  );
  const template = `${dbBase}_tpl`;
  bench.ownDatabase(template);
  const seeded = await createTemplate(adminUrl, template, { buyers: opts.buyers, shops: SHOPS, variantsPerShop: VARIANTS_PER_SHOP, stock: opts.stock });
  log("template seeded");

  const results: PhaseResult[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    for (const kind of run % 2 ? kinds : [...kinds].reverse()) {
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

  const byKind = (k: Kind) => results.filter((r) => r.kind === k);
  const med = (k: Kind, f: (r: PhaseResult) => number) => median(byKind(k).map(f));
  const ratios: number[] = [];
  if (kinds.includes("ours") && kinds.includes("raw")) {
    for (let run = 1; run <= opts.runs; run++) {
      const o = results.find((r) => r.kind === "ours" && r.run === run)!;
      const w = results.find((r) => r.kind === "raw" && r.run === run)!;
      ratios.push(o.ordersPerS / w.ordersPerS);
    }
  }
  const allHold = results.every((r) => r.invariantsHold);
  const summary: CheckoutSummary = {
    buyers: opts.buyers,
    hotVariants: SHOPS * VARIANTS_PER_SHOP,
    stock: opts.stock,
    runs: opts.runs,
    rounds: opts.rounds,
    servers: kinds.map((k) => ({
      kind: k,
      ordersPerS: med(k, (r) => r.ordersPerS),
      attemptsPerS: med(k, (r) => r.attemptsPerS),
      p50: med(k, (r) => r.latency.p50),
      p95: med(k, (r) => r.latency.p95),
      p99: med(k, (r) => r.latency.p99),
      ok: med(k, (r) => r.ok),
      precondition: med(k, (r) => r.precondition),
      other: med(k, (r) => r.other),
      cpuMsPerOrder: med(k, (r) => r.serverCpuPerOrderMs),
    })),
    ratio: ratios.length ? { median: median(ratios), range: [Math.min(...ratios), Math.max(...ratios)] } : null,
    invariantsHold: allHold,
    rawSkips: RAW_SKIPS,
  };
  for (const x of summary.servers) log(`${x.kind}: ${fmt(x.ordersPerS, 0)} orders/s, ${fmt(x.cpuMsPerOrder, 2)} ms CPU/order (medians)`);
  if (summary.ratio) log(`ours/raw orders/s: ${ratios.map((r) => fmt(r, 2)).join(", ")} (median ${fmt(summary.ratio.median, 2)})`);
  log(`invariants (every phase): ${allHold ? "HOLD" : "BROKEN"}`);
  const file = recorder.write({ ...opts, shops: SHOPS, variantsPerShop: VARIANTS_PER_SHOP, seed: SEED }, summary, { results });
  log(`results: ${file}`);
  return allHold;
}

bench.run(main);
