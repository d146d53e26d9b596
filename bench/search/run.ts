/**
 * Catalog search benchmark (issue "Performance (a benchmark)").
 *
 *   1. Seeds 100,000 products in 20 shops (1–4 variants each) into a database of its own
 *      (seed.ts), and checks the variants trigger on it.
 *   2. Resolves the searches (queries.ts), writes EXPLAIN (ANALYZE, BUFFERS) of every statement
 *      they run to search/explain.txt, with their time alone.
 *   3. Starts two servers in child processes: "ours" (the real server, server-ours.ts: tRPC,
 *      Prisma) and "raw" (plain Fastify + node-postgres running the same statements,
 *      server-raw.ts), and checks that both answer every search identically.
 *   4. Drives each search with autocannon, 50 connections, `--duration` seconds per search per
 *      server, ours and raw back to back (alternating which goes first), `--rounds` rounds; then
 *      once more each at a fixed, evenly spaced rate (`--paced` × ours' saturated rate; paced.ts),
 *      for the latency below saturation.
 *   5. Prints the tables (medians over rounds), writes everything to bench/results/search-<time>.json,
 *      stops the servers and drops the database, also after a failure or at the deadline.
 *
 * Usage: pnpm --filter @marketplace/bench run search [--duration=10] [--rounds=3] [--connections=50]
 *        [--warmup=1] [--paced=0.5] [--paced-duration=4] [--only=text,browse] [--products=100000]
 *        [--facet-ttl=10000] [--pool=10] [--budget=540] [--deadline=590] [--keep]
 * Env: BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_DB (mk_bench_search).
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { explainAll, type ExplainSummary } from "./explain.ts";
import { paced } from "./paced.ts";
import type { FromServer, ServerEnv, ToServer } from "./protocol.ts";
import { benchQueries, searchWith, type BenchQuery } from "./queries.ts";
import { dropDatabase } from "../lib/databases.ts";
import { checkTrigger, seedDatabase } from "./seed.ts";
import { fmt, median, percentile, sortedCopy } from "../lib/stats.ts";

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const opts = {
  products: Number(arg("products", "100000")),
  shops: 20,
  seed: 20261127,
  connections: Number(arg("connections", "50")),
  durationS: Number(arg("duration", "10")),
  rounds: Number(arg("rounds", "3")),
  warmupS: Number(arg("warmup", "1")),
  /** Paced pass at this share of ours' saturated rate (0: none). */
  paced: Number(arg("paced", "0.5")),
  pacedDurationS: Number(arg("paced-duration", "4")),
  only: arg("only", "").split(",").filter(Boolean),
  facetTtlMs: Number(arg("facet-ttl", "10000")),
  pool: Number(arg("pool", "10")),
  /** No new phase starts after this many seconds if it would not fit. */
  budgetS: Number(arg("budget", "540")),
  /** Hard stop: children killed, database dropped, exit 1. */
  deadlineS: Number(arg("deadline", "590")),
  keep: process.argv.includes("--keep"),
  pgUrl: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  dbName: process.env.BENCH_DB ?? "mk_bench_search",
};

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const startedAt = performance.now();
const elapsedS = () => (performance.now() - startedAt) / 1000;
const log = (msg: string) => console.log(`[search ${fmt(elapsedS(), 0).padStart(3)}s] ${msg}`);

// ---------------------------------------------------------------------------------------------
// Server processes

const children = new Set<ChildProcess>();

class ServerHandle {
  url = "";
  private waiting: ((msg: FromServer) => void)[] = [];
  private constructor(
    readonly name: "ours" | "raw",
    readonly child: ChildProcess,
  ) {}

  static start(name: "ours" | "raw", env: ServerEnv): Promise<ServerHandle> {
    const script = fileURLToPath(new URL(name === "ours" ? "./server-ours.ts" : "./server-raw.ts", import.meta.url));
    const child = fork(script, [], {
      cwd: benchDir,
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    const handle = new ServerHandle(name, child);
    child.on("message", (msg: FromServer) => handle.waiting.shift()?.(msg));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready within 60 s`)), 60_000);
      child.once("exit", (code) => reject(new Error(`${name}: exited with ${code} before it was ready`)));
      handle.next().then((msg) => {
        clearTimeout(timer);
        if (msg.type === "ready") handle.url = msg.url;
        resolve(handle);
      }, reject);
    });
  }

  private next(): Promise<FromServer> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Process CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const reply = this.next();
    this.child.send({ type: "cpu" } satisfies ToServer);
    const msg = await reply;
    return msg.type === "cpu" ? msg.userMs + msg.systemMs : NaN;
  }

  /** The URL of a search. */
  searchUrl(input: Record<string, unknown>): string {
    const envelope = encodeURIComponent(JSON.stringify({ json: input }));
    return this.name === "ours" ? `${this.url}/trpc/catalog.search?input=${envelope}` : `${this.url}/search?input=${envelope}`;
  }

  /** One search's answer, unwrapped from tRPC's envelope for ours. */
  async fetchJson(input: Record<string, unknown>): Promise<{ body: unknown; bytes: number }> {
    const res = await fetch(this.searchUrl(input));
    const text = await res.text();
    if (!res.ok) throw new Error(`${this.name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    const parsed = JSON.parse(text) as { result?: { data?: { json?: unknown } } };
    return { body: this.name === "ours" ? parsed.result?.data?.json : parsed, bytes: text.length };
  }

  stop() {
    this.child.kill("SIGKILL");
  }
}

// ---------------------------------------------------------------------------------------------
// Load

interface RunStats {
  server: "ours" | "raw";
  query: string;
  round: number;
  /** Offered rate for a paced run, else null (saturated). */
  rate: number | null;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Node process CPU per request, ms (the database's CPU is not in it). */
  cpuPerRequestMs: number;
}

/**
 * One run: saturated (autocannon, `connections` connections each sending its next request as soon
 * as the last one is answered) or, with a rate, paced (paced.ts). Percentiles come from every
 * response's own latency (autocannon's summary has no p95).
 */
async function drive(server: ServerHandle, q: BenchQuery, seconds: number, round: number, rate: number | null): Promise<RunStats> {
  const url = server.searchUrl(q.input);
  const cpuBefore = await server.cpuMs();
  let latencies: number[] = [];
  let rps: number;
  let errors: number;
  let timeouts = 0;
  let non2xx: number;
  if (rate === null) {
    const instance = autocannon({ url, connections: opts.connections, duration: seconds, timeout: 30 });
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    const result = await instance;
    rps = latencies.length / result.duration;
    ({ errors, timeouts, non2xx } = result);
  } else {
    ({ latencies, rps, errors, non2xx } = await paced(url, rate, seconds, opts.connections));
  }
  const cpu = (await server.cpuMs()) - cpuBefore;
  const sorted = sortedCopy(latencies);
  return {
    server: server.name,
    query: q.key,
    round,
    rate,
    requests: latencies.length,
    rps,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors,
    timeouts,
    non2xx,
    cpuPerRequestMs: latencies.length ? cpu / latencies.length : NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

let servers: ServerHandle[] = [];
let pool: pg.Pool | undefined;
let dbCreated = false;

async function cleanup() {
  for (const s of servers) s.stop();
  for (const c of children) c.kill("SIGKILL");
  await pool?.end().catch(() => {});
  pool = undefined;
  if (dbCreated && !opts.keep) {
    await dropDatabase(opts.pgUrl, opts.dbName).catch((err: unknown) => console.error(`[search] could not drop ${opts.dbName}:`, err));
    dbCreated = false;
  }
}

const deadline = setTimeout(() => {
  console.error(`[search] deadline of ${opts.deadlineS} s reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, opts.deadlineS * 1000);
deadline.unref();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}

function row(cells: (string | number)[]) {
  return `| ${cells.join(" | ")} |`;
}

async function main() {
  const loadStart = os.loadavg();
  log(`Node ${process.version}, ${os.cpus().length} CPUs, load ${loadStart.map((x) => x.toFixed(1)).join(" ")}`);

  dbCreated = true;
  const { url, summary: seed } = await seedDatabase(opts.pgUrl, opts.dbName, { products: opts.products, shops: opts.shops, seed: opts.seed }, log);
  const trigger = await checkTrigger(url, log);
  pool = new pg.Pool({ connectionString: url, options: "-c jit=off", max: 4 }); // as the servers' pools
  const version = (await pool.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  const all = await benchQueries(pool);
  const queries = all.filter((q) => q.load && (opts.only.length === 0 || opts.only.includes(q.key)));
  const explainFile = fileURLToPath(new URL("./explain.txt", import.meta.url));
  const explains = await explainAll(
    pool,
    opts.only.length ? all.filter((q) => opts.only.includes(q.key)) : all,
    explainFile,
    [
      "catalog.search: EXPLAIN (ANALYZE, BUFFERS) of the statements each search runs (generated by bench/search/run.ts).",
      `${new Date().toISOString()}, PostgreSQL ${version}, ${seed.products} products (${seed.listed} listed), ${seed.variants} variants, ${seed.shops} shops.`,
      "Each statement was run alone (no other load) 3 times to warm up, timed 15 times, then explained.",
      "A first page without a query runs two statements: the page (every request) and the facets (cached for a few seconds).",
    ],
    log,
  );

  const env: ServerEnv = { DATABASE_URL: url, DATABASE_POOL_SIZE: String(opts.pool), BENCH_FACET_TTL_MS: String(opts.facetTtlMs) };
  servers = await Promise.all([ServerHandle.start("ours", env), ServerHandle.start("raw", env)]);
  const [ours, raw] = servers as [ServerHandle, ServerHandle];
  log(`ours at ${ours.url}, raw at ${raw.url}`);

  // Same answers from both, and the same as in-process: both run the same statements.
  const bytes: Record<string, number> = {};
  for (const q of queries) {
    const [a, b] = await Promise.all([ours.fetchJson(q.input), raw.fetchJson(q.input)]);
    const local = JSON.parse(JSON.stringify(await searchWith(pool, q.input))) as unknown;
    if (!isDeepStrictEqual(a.body, b.body) || !isDeepStrictEqual(a.body, local)) throw new Error(`${q.key}: ours and raw answer differently`);
    const items = (a.body as { items: unknown[] }).items.length;
    bytes[q.key] = a.bytes;
    log(`${q.key}: same answer from both (${items} items, ${a.bytes} bytes from ours, ${b.bytes} from raw)`);
  }

  const perRun = opts.durationS + 1.5;
  const runs: RunStats[] = [];
  if (opts.warmupS > 0) {
    for (const q of queries) for (const s of servers) await drive(s, q, opts.warmupS, 0, null);
    log(`warmed up (${opts.warmupS} s per search per server)`);
  }
  let roundsDone = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    const need = queries.length * 2 * perRun;
    if (round > 1 && elapsedS() + need > opts.budgetS) {
      log(`budget: round ${round} would not fit; stopping after ${roundsDone} rounds`);
      break;
    }
    for (const q of queries) {
      const order = round % 2 ? [ours, raw] : [raw, ours];
      for (const s of order) {
        const r = await drive(s, q, opts.durationS, round, null);
        runs.push(r);
        log(
          `round ${round} ${q.key.padEnd(11)} ${s.name.padEnd(4)} ${fmt(r.rps, 0).padStart(5)} req/s  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  p99 ${fmt(r.p99)} ms` +
            `  cpu ${fmt(r.cpuPerRequestMs, 2)} ms/req${r.errors + r.timeouts + r.non2xx ? `  errors ${r.errors} timeouts ${r.timeouts} non2xx ${r.non2xx}` : ""}`,
        );
      }
    }
    roundsDone = round;
  }

  const pick = (server: string, key: string, paced: boolean) => runs.filter((r) => r.server === server && r.query === key && (r.rate !== null) === paced);
  const med = (rs: RunStats[], f: (r: RunStats) => number) => median(rs.map(f));

  // Paced: a fixed offered rate, the same for both, below ours' saturated rate.
  if (opts.paced > 0) {
    const need = queries.length * 2 * (opts.pacedDurationS + 1.5);
    if (elapsedS() + need > opts.budgetS) log("budget: no paced pass");
    else {
      for (const q of queries) {
        const rate = Math.max(5, Math.round(opts.paced * med(pick("ours", q.key, false), (r) => r.rps)));
        for (const s of [ours, raw]) {
          const r = await drive(s, q, opts.pacedDurationS, 1, rate);
          runs.push(r);
          log(`paced ${q.key.padEnd(11)} ${s.name.padEnd(4)} at ${rate} req/s: got ${fmt(r.rps, 0)}  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  p99 ${fmt(r.p99)} ms`);
        }
      }
    }
  }

  // Tables (markdown), medians over rounds.
  const lines: string[] = [];
  lines.push(
    `Saturated: autocannon, ${opts.connections} connections, ${opts.durationS} s per search per server, ${roundsDone} round(s); medians over rounds.`,
    "",
    row(["search", "ours req/s", "ours p50 / p95 / p99 ms", "raw req/s", "raw p50 / p95 / p99 ms", "ours/raw", "Node CPU ms/req ours / raw"]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
  );
  const tableRows: Record<string, unknown>[] = [];
  for (const q of queries) {
    const o = pick("ours", q.key, false);
    const w = pick("raw", q.key, false);
    if (!o.length || !w.length) continue;
    const ratios = o.map((r) => r.rps / (w.find((x) => x.round === r.round)?.rps ?? NaN));
    const t = {
      key: q.key,
      oursRps: med(o, (r) => r.rps),
      oursP50: med(o, (r) => r.p50),
      oursP95: med(o, (r) => r.p95),
      oursP99: med(o, (r) => r.p99),
      rawRps: med(w, (r) => r.rps),
      rawP50: med(w, (r) => r.p50),
      rawP95: med(w, (r) => r.p95),
      rawP99: med(w, (r) => r.p99),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      oursCpu: med(o, (r) => r.cpuPerRequestMs),
      rawCpu: med(w, (r) => r.cpuPerRequestMs),
    };
    tableRows.push(t);
    lines.push(
      row([
        q.title,
        fmt(t.oursRps, 0),
        `${fmt(t.oursP50)} / ${fmt(t.oursP95)} / ${fmt(t.oursP99)}`,
        fmt(t.rawRps, 0),
        `${fmt(t.rawP50)} / ${fmt(t.rawP95)} / ${fmt(t.rawP99)}`,
        `${fmt(t.ratio, 2)} (${fmt(t.ratioRange[0]!, 2)}–${fmt(t.ratioRange[1]!, 2)})`,
        `${fmt(t.oursCpu, 2)} / ${fmt(t.rawCpu, 2)}`,
      ]),
    );
  }
  const pacedRuns = runs.filter((r) => r.rate !== null);
  if (pacedRuns.length) {
    lines.push(
      "",
      `Paced: the same offered rate for both (${opts.paced} × ours' saturated req/s, evenly spaced, at most ${opts.connections} connections), ${opts.pacedDurationS} s each, one run.`,
      "",
      row(["search", "offered req/s", "ours p50 / p95 / p99 ms", "raw p50 / p95 / p99 ms"]),
      row(["---", "---:", "---:", "---:"]),
    );
    for (const q of queries) {
      const o = pacedRuns.find((r) => r.server === "ours" && r.query === q.key);
      const w = pacedRuns.find((r) => r.server === "raw" && r.query === q.key);
      if (!o || !w) continue;
      lines.push(row([q.title, o.rate!, `${fmt(o.p50)} / ${fmt(o.p95)} / ${fmt(o.p99)}`, `${fmt(w.p50)} / ${fmt(w.p95)} / ${fmt(w.p99)}`]));
    }
  }
  lines.push(
    "",
    "Statements alone (no load), client round trip, median of 15 (bench/search/explain.txt):",
    "",
    row(["search", "statement", "median ms", "execution ms", "planning ms"]),
    row(["---", "---", "---:", "---:", "---:"]),
    ...explains.map((e: ExplainSummary) => row([e.title, e.role + (e.jit ? " (JIT)" : ""), fmt(e.medianMs, 2), fmt(e.executionMs, 2), fmt(e.planningMs, 2)])),
  );
  const loadEnd = os.loadavg();
  lines.push("", `Load average (1/5/15 min): ${loadStart.map((x) => x.toFixed(1)).join(" ")} at the start, ${loadEnd.map((x) => x.toFixed(1)).join(" ")} at the end.`);
  console.log(`\n${lines.join("\n")}\n`);

  const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}search-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(
    file,
    JSON.stringify({ opts: { ...opts, pgUrl: undefined }, node: process.version, postgres: version, cpus: os.cpus().length, loadStart, loadEnd, seed, trigger, bytes, queries, explains, runs, table: tableRows }, null, 2),
  );
  log(`results in ${file}; EXPLAIN in ${explainFile}`);
}

// The script's last statement: every outcome ends in process.exit (a failing cleanup crashes it).
void main()
  .then(
    () => cleanup().then(() => 0),
    (err: unknown) => {
      console.error("[search] failed:", err);
      return cleanup().then(() => 1);
    },
  )
  .then((code) => {
    clearTimeout(deadline);
    process.exit(code);
  });
