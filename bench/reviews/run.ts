/**
 * Reviews benchmark (issue "Reviews": `bench/reviews/`).
 *
 *   1. Seeds a database of its own (seed.ts): one product with `--reviews` visible reviews (plus
 *      `--hidden` hidden ones) by as many buyers with delivered orders, and the write benchmark's
 *      buyers (delivered order, no review yet, a session each).
 *   2. Writes EXPLAIN (ANALYZE, BUFFERS) of every list statement to reviews/explain.txt.
 *   3. Starts "ours" (the real server, server-ours.ts) and "raw" (Fastify + node-postgres running
 *      the same statements, server-raw.ts) in child processes and checks that both answer every
 *      list case identically.
 *   4. Lists: drives each case (first page newest, page `--deep-page` through its cursor, 5 stars
 *      only, most helpful first) with autocannon, `--connections` connections, `--duration` s per
 *      case per server, ours and raw back to back (alternating which goes first), `--rounds`
 *      rounds; medians over rounds.
 *   5. Writes: `--writers` buyers at once each create one review of the product over keep-alive
 *      HTTP (a connection each, their session cookie), `--write-warmup` + `--write-rounds` rounds
 *      per server, fresh buyers every round, ours and raw alternating. After every round: every
 *      response 200, the product's stored figures equal a recomputation from the rows
 *      (figureMismatches, server/src/test/review-oracle.ts), and its visible reviews number the
 *      seeded ones plus every review answered 200. After the servers stop (their connections'
 *      statistics are then flushed): PostgreSQL's deadlock count for the database did not move.
 *   6. Prints the tables, writes reviews/results/reviews-<time>.json, stops the servers and drops
 *      the database, also after a failure or at the deadline.
 *
 * Usage: pnpm --filter @marketplace/bench reviews [--reviews=10000] [--hidden=200] [--deep-page=100]
 *        [--duration=7] [--rounds=3] [--warmup=1] [--connections=50] [--only=first,deep,stars5,helpful]
 *        [--writers=50] [--write-rounds=5] [--write-warmup=1] [--no-lists] [--no-writes] [--pool=10]
 *        [--budget=270] [--deadline=320] [--keep] [--no-save]
 * Env: BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_DB (mk_bench_reviews),
 *      BENCH_SERVER_NODE_ARGS (extra node flags for both servers, e.g. --cpu-prof --cpu-prof-dir=…).
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { figureMismatches } from "../../server/src/test/review-oracle.ts";
import { dropDatabase } from "../lib/databases.ts";
import { fmt, median, percentile, rng, sortedCopy } from "../lib/stats.ts";
import { benchCases, type BenchCase } from "./cases.ts";
import { explainAll, type ExplainSummary } from "./explain.ts";
import { SESSION_COOKIE, type FromServer, type ServerEnv, type ToServer } from "./protocol.ts";
import { seedDatabase, type Seeded, type Writer } from "./seed.ts";

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const opts = {
  reviews: Number(arg("reviews", "10000")),
  hidden: Number(arg("hidden", "200")),
  deepPage: Number(arg("deep-page", "100")),
  connections: Number(arg("connections", "50")),
  durationS: Number(arg("duration", "7")),
  rounds: Number(arg("rounds", "3")),
  warmupS: Number(arg("warmup", "1")),
  only: arg("only", "").split(",").filter(Boolean),
  writers: Number(arg("writers", "50")),
  writeRounds: Number(arg("write-rounds", "5")),
  writeWarmup: Number(arg("write-warmup", "1")),
  lists: !process.argv.includes("--no-lists"),
  writes: !process.argv.includes("--no-writes"),
  pool: Number(arg("pool", "10")),
  /** No list round starts after this many seconds if it would not fit. */
  budgetS: Number(arg("budget", "270")),
  /** Hard stop: children killed, database dropped, exit 1. */
  deadlineS: Number(arg("deadline", "320")),
  keep: process.argv.includes("--keep"),
  save: !process.argv.includes("--no-save"),
  seed: 20261201,
  pgUrl: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  dbName: process.env.BENCH_DB ?? "mk_bench_reviews",
};

type Kind = "ours" | "raw";
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const startedAt = performance.now();
const elapsedS = () => (performance.now() - startedAt) / 1000;
const log = (msg: string) => console.log(`[reviews ${fmt(elapsedS(), 0).padStart(3)}s] ${msg}`);

// ---- cleanup: whatever happens, children stop and the database goes ---------------------------
const children = new Set<ChildProcess>();
let seeded: Seeded | undefined;
let pool: pg.Pool | undefined;
let dbCreated = false;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of children) c.kill("SIGKILL");
    await pool?.end().catch(() => {});
    await seeded?.database.close().catch(() => {});
    if (dbCreated && !opts.keep) await dropDatabase(opts.pgUrl, opts.dbName).catch((e: unknown) => console.error(`[reviews] could not drop ${opts.dbName}:`, e));
  })();
  return cleaning;
}
const deadline = setTimeout(() => {
  console.error(`[reviews] deadline of ${opts.deadlineS} s reached: stopping`);
  void cleanup().finally(() => process.exit(1));
}, opts.deadlineS * 1000);
deadline.unref();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void cleanup().finally(() => process.exit(130)));

// ---- server processes ------------------------------------------------------------------------
interface Running {
  kind: Kind;
  url: string;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind, env: ServerEnv): Promise<Running> {
  const child = fork(here(`./server-${kind}.ts`), [], {
    cwd: here(".."),
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
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 60 s`)), 60_000);
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
    kind,
    url,
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
      await exited;
    },
  };
}

const listUrl = (s: Running, input: Record<string, unknown>) => {
  const envelope = encodeURIComponent(JSON.stringify({ json: input }));
  return s.kind === "ours" ? `${s.url}/trpc/review.listProduct?input=${envelope}` : `${s.url}/list?input=${envelope}`;
};

/** One list answer, unwrapped from tRPC's envelope for ours (superjson's `json` part). */
async function fetchList(s: Running, input: Record<string, unknown>): Promise<{ body: unknown; bytes: number }> {
  const res = await fetch(listUrl(s, input));
  const text = await res.text();
  if (!res.ok) throw new Error(`${s.kind}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  const parsed = JSON.parse(text) as { result?: { data?: { json?: unknown } } };
  return { body: s.kind === "ours" ? parsed.result?.data?.json : parsed, bytes: text.length };
}

// ---- lists -----------------------------------------------------------------------------------
interface ListRun {
  server: Kind;
  key: string;
  round: number;
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

async function drive(s: Running, c: BenchCase, seconds: number, round: number): Promise<ListRun> {
  const cpuBefore = await s.cpu();
  const latencies: number[] = [];
  const instance = autocannon({ url: listUrl(s, c.input), connections: opts.connections, duration: seconds, timeout: 30 });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const cpu = (await s.cpu()) - cpuBefore;
  const sorted = sortedCopy(latencies);
  return {
    server: s.kind,
    key: c.key,
    round,
    requests: latencies.length,
    rps: latencies.length / result.duration,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    cpuPerRequestMs: latencies.length ? cpu / latencies.length : NaN,
  };
}

// ---- writes ----------------------------------------------------------------------------------
interface Attempt {
  ms: number;
  status: number;
  detail?: string;
}

function createReview(agent: http.Agent, s: Running, writer: Writer, productId: string, rating: number, n: number): Promise<Attempt> {
  const base = new URL(s.url);
  const body = JSON.stringify({ json: { productId, rating, title: `Bench review ${n}`, body: `Written by the reviews benchmark, number ${n}. It boils fast.` } });
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: "POST",
        path: s.kind === "ours" ? "/trpc/review.createProduct" : "/review",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), cookie: `${SESSION_COOKIE}=${writer.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ms = performance.now() - started;
          const status = res.statusCode ?? 0;
          resolve(status === 200 ? { ms, status } : { ms, status, detail: Buffer.concat(chunks).toString("utf8").slice(0, 300) });
        });
      },
    );
    req.on("error", (err) => resolve({ ms: performance.now() - started, status: 0, detail: err.message }));
    req.end(body);
  });
}

interface WriteRound {
  server: Kind;
  round: number;
  measured: boolean;
  wallMs: number;
  ok: number;
  failed: number;
  failures: string[];
  latencies: number[];
  cpuMs: number;
  /** Products or shops whose stored figures differ from a recomputation (must be 0). */
  mismatches: number;
  visibleReviews: number;
  expectedVisible: number;
  stored: { count: number; sum: number; stars: number[]; avg: number; score: number };
}

async function writeRound(
  s: Running,
  writers: Writer[],
  productId: string,
  round: number,
  measured: boolean,
  expectedBefore: number,
  random: () => number,
): Promise<WriteRound> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: writers.length });
  // One connection per writer, opened before the clock starts (a cheap 404 on each).
  await Promise.all(
    writers.map(
      () =>
        new Promise<void>((resolve) => {
          const u = new URL(s.url);
          http.get({ agent, host: u.hostname, port: u.port, path: "/__warm" }, (res) => res.resume().on("end", resolve)).on("error", () => resolve());
        }),
    ),
  );
  const ratings = writers.map(() => 1 + Math.floor(random() * 5));
  const cpuBefore = await s.cpu();
  const started = performance.now();
  const attempts = await Promise.all(writers.map((w, i) => createReview(agent, s, w, productId, ratings[i]!, round * 1000 + i)));
  const wallMs = performance.now() - started;
  const cpuMs = (await s.cpu()) - cpuBefore;
  agent.destroy();
  const ok = attempts.filter((a) => a.status === 200).length;
  const mismatches = (await figureMismatches(seeded!.database.prisma)).length;
  const counted = await pool!.query<{ visible: number; count: number; sum: number; r1: number; r2: number; r3: number; r4: number; r5: number; avg: number; score: number }>(
    `SELECT (SELECT count(*)::int FROM "reviews" WHERE "product_id" = p."id" AND "status" = 'VISIBLE') AS visible,
            p."rating_count" AS count, p."rating_sum" AS sum, p."rating_1" AS r1, p."rating_2" AS r2, p."rating_3" AS r3, p."rating_4" AS r4, p."rating_5" AS r5,
            p."rating_avg" AS avg, p."rating_score" AS score
       FROM "products" p WHERE p."id" = $1`,
    [productId],
  );
  const row = counted.rows[0]!;
  return {
    server: s.kind,
    round,
    measured,
    wallMs,
    ok,
    failed: attempts.length - ok,
    failures: attempts.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.detail ?? ""}`).slice(0, 5),
    latencies: attempts.filter((a) => a.status === 200).map((a) => a.ms),
    cpuMs,
    mismatches,
    visibleReviews: row.visible,
    expectedVisible: expectedBefore + ok,
    stored: { count: row.count, sum: row.sum, stars: [row.r1, row.r2, row.r3, row.r4, row.r5], avg: row.avg, score: row.score },
  };
}

async function dbStats(): Promise<{ deadlocks: number; rollbacks: number; commits: number }> {
  const r = await pool!.query<{ deadlocks: string; xact_rollback: string; xact_commit: string }>(
    `SELECT deadlocks, xact_rollback, xact_commit FROM pg_stat_database WHERE datname = $1`,
    [opts.dbName],
  );
  return { deadlocks: Number(r.rows[0]!.deadlocks), rollbacks: Number(r.rows[0]!.xact_rollback), commits: Number(r.rows[0]!.xact_commit) };
}

// ---- main ------------------------------------------------------------------------------------
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

async function main() {
  const loadStart = os.loadavg();
  log(`Node ${process.version}, ${os.availableParallelism()} CPUs, load ${loadStart.map((x) => x.toFixed(2)).join(" ")}`);
  const kinds: Kind[] = ["ours", "raw"];
  const writersNeeded = opts.writes ? (opts.writeWarmup + opts.writeRounds) * opts.writers * kinds.length : 0;
  dbCreated = true;
  seeded = await seedDatabase(opts.pgUrl, opts.dbName, { reviews: opts.reviews, hidden: opts.hidden, writers: writersNeeded, poolSize: 4 }, log);
  pool = new pg.Pool({ connectionString: seeded.url, options: "-c jit=off", max: 4 });
  pool.on("error", () => {});
  const version = (await pool.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  const productId = seeded.productId;

  const allCases = await benchCases(pool, productId, opts.deepPage);
  const cases = allCases.filter((c) => opts.only.length === 0 || opts.only.includes(c.key));
  const explainFile = here("./explain.txt");
  let explains: ExplainSummary[] = [];
  if (opts.lists) {
    explains = await explainAll(
      pool,
      cases,
      explainFile,
      [
        "review.listProduct: EXPLAIN (ANALYZE, BUFFERS) of the statements each list call runs (generated by bench/reviews/run.ts).",
        `${new Date().toISOString()}, PostgreSQL ${version}, one product with ${seeded.visibleReviews} visible + ${seeded.hiddenReviews} hidden reviews.`,
        "Each statement was run alone (no other load) 3 times to warm up, timed 15 times, then explained.",
      ],
      log,
    );
  }

  const env: ServerEnv = { DATABASE_URL: seeded.url, DATABASE_POOL_SIZE: String(opts.pool) };
  const servers = await Promise.all(kinds.map((k) => startServer(k, env)));
  const [ours, raw] = servers as [Running, Running];
  log(`ours at ${ours.url}, raw at ${raw.url}`);

  // ---- lists ----
  const listRuns: ListRun[] = [];
  const bytes: Record<string, { ours: number; raw: number }> = {};
  let roundsDone = 0;
  if (opts.lists) {
    for (const c of cases) {
      const [a, b] = await Promise.all([fetchList(ours, c.input), fetchList(raw, c.input)]);
      if (!isDeepStrictEqual(a.body, b.body)) throw new Error(`${c.key}: ours and raw answer differently:\n${JSON.stringify(a.body).slice(0, 600)}\n${JSON.stringify(b.body).slice(0, 600)}`);
      const items = (a.body as { items: unknown[] }).items.length;
      bytes[c.key] = { ours: a.bytes, raw: b.bytes };
      log(`${c.key}: same answer from both (${items} items; ${a.bytes} bytes from ours, ${b.bytes} from raw)`);
    }
    if (opts.warmupS > 0) {
      for (const c of cases) for (const s of servers) await drive(s, c, opts.warmupS, 0);
      log(`warmed up (${opts.warmupS} s per case per server)`);
    }
    const perRound = cases.length * 2 * (opts.durationS + 0.7);
    const writesNeedS = opts.writes ? 25 : 0;
    for (let round = 1; round <= opts.rounds; round++) {
      if (round > 1 && elapsedS() + perRound + writesNeedS > opts.budgetS) {
        log(`budget: round ${round} would not fit; stopping after ${roundsDone} round(s)`);
        break;
      }
      for (const c of cases) {
        const order = round % 2 ? [ours, raw] : [raw, ours];
        for (const s of order) {
          const r = await drive(s, c, opts.durationS, round);
          listRuns.push(r);
          log(
            `round ${round} ${c.key.padEnd(7)} ${s.kind.padEnd(4)} ${fmt(r.rps, 0).padStart(5)} req/s  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  p99 ${fmt(r.p99)} ms` +
              `  cpu ${fmt(r.cpuPerRequestMs, 2)} ms/req${r.errors + r.timeouts + r.non2xx ? `  errors ${r.errors} timeouts ${r.timeouts} non2xx ${r.non2xx}` : ""}`,
          );
        }
      }
      roundsDone = round;
    }
  }

  // ---- writes ----
  const writeRounds: WriteRound[] = [];
  let deadlocks: { before: number; after: number } | null = null;
  if (opts.writes) {
    const statsBefore = await dbStats();
    let expected = seeded.visibleReviews;
    let next = 0;
    const random = rng(opts.seed);
    const total = opts.writeWarmup + opts.writeRounds;
    for (let r = 0; r < total; r++) {
      const order = r % 2 ? [raw, ours] : [ours, raw];
      for (const s of order) {
        const writers = seeded.writers.slice(next, next + opts.writers);
        next += opts.writers;
        const w = await writeRound(s, writers, productId, r, r >= opts.writeWarmup, expected, random);
        expected = w.expectedVisible;
        writeRounds.push(w);
        const lat = sortedCopy(w.latencies);
        log(
          `write round ${r}${w.measured ? "" : " (warm-up)"} ${s.kind.padEnd(4)}: ${w.ok}/${writers.length} ok in ${fmt(w.wallMs)} ms ` +
            `(${fmt(w.ok / (w.wallMs / 1000), 0)} reviews/s), p50 ${fmt(percentile(lat, 50))} p99 ${fmt(percentile(lat, 99))} ms, cpu ${fmt(w.cpuMs / Math.max(1, w.ok), 2)} ms/review; ` +
            `visible ${w.visibleReviews} (expected ${w.expectedVisible}), stored count ${w.stored.count} sum ${w.stored.sum} stars ${w.stored.stars.join("/")}, ` +
            `figure mismatches ${w.mismatches}${w.failures.length ? `; failures: ${w.failures.join(" | ")}` : ""}`,
        );
      }
    }
    // Backends flush their statistics when they exit: stop the servers, then read the count.
    await Promise.all(servers.map((s) => s.stop()));
    await new Promise((r) => setTimeout(r, 700));
    const statsAfter = await dbStats();
    deadlocks = { before: statsBefore.deadlocks, after: statsAfter.deadlocks };
    log(`deadlocks in ${opts.dbName} during the writes: ${statsAfter.deadlocks - statsBefore.deadlocks}; rollbacks ${statsAfter.rollbacks - statsBefore.rollbacks}`);
  } else {
    await Promise.all(servers.map((s) => s.stop()));
  }

  // ---- tables ----
  const lines: string[] = [];
  const med = (rs: ListRun[], f: (r: ListRun) => number) => median(rs.map(f));
  const listTable: Record<string, unknown>[] = [];
  if (listRuns.length) {
    lines.push(
      `Lists: autocannon, ${opts.connections} connections, ${opts.durationS} s per case per server, ${roundsDone} round(s); medians over rounds; anonymous requests, limit 10.`,
      "",
      row(["review.listProduct", "ours req/s", "ours p50 / p99 ms", "raw req/s", "raw p50 / p99 ms", "ours/raw (per-round range)", "Node CPU ms/req ours / raw"]),
      row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    );
    for (const c of cases) {
      const o = listRuns.filter((r) => r.server === "ours" && r.key === c.key);
      const w = listRuns.filter((r) => r.server === "raw" && r.key === c.key);
      if (!o.length || !w.length) continue;
      const ratios = o.map((r) => r.rps / (w.find((x) => x.round === r.round)?.rps ?? NaN));
      const t = {
        key: c.key,
        title: c.title,
        oursRps: med(o, (r) => r.rps),
        oursP50: med(o, (r) => r.p50),
        oursP99: med(o, (r) => r.p99),
        rawRps: med(w, (r) => r.rps),
        rawP50: med(w, (r) => r.p50),
        rawP99: med(w, (r) => r.p99),
        ratio: median(ratios),
        ratios,
        oursCpu: med(o, (r) => r.cpuPerRequestMs),
        rawCpu: med(w, (r) => r.cpuPerRequestMs),
      };
      listTable.push(t);
      lines.push(
        row([
          c.title,
          fmt(t.oursRps, 0),
          `${fmt(t.oursP50)} / ${fmt(t.oursP99)}`,
          fmt(t.rawRps, 0),
          `${fmt(t.rawP50)} / ${fmt(t.rawP99)}`,
          `${fmt(t.ratio, 2)} (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})`,
          `${fmt(t.oursCpu, 2)} / ${fmt(t.rawCpu, 2)}`,
        ]),
      );
    }
    lines.push(
      "",
      "Statements alone (no load), client round trip, median of 15 (bench/reviews/explain.txt):",
      "",
      row(["case", "statement", "median ms", "execution ms", "planning ms", "shared buffers hit"]),
      row(["---", "---", "---:", "---:", "---:", "---:"]),
      ...explains.map((e) => row([e.key, e.role, fmt(e.medianMs, 2), fmt(e.executionMs, 2), fmt(e.planningMs, 2), e.sharedHit])),
    );
  }
  const writeTable: Record<string, unknown>[] = [];
  if (writeRounds.length) {
    lines.push(
      "",
      `Writes: ${opts.writers} buyers at once each create one review of the product (fresh buyers every round), ${opts.writeWarmup} warm-up + ${opts.writeRounds} measured rounds per server; latency pooled over the measured rounds, throughput = reviews / wall time of the rounds.`,
      "",
      row(["server", "reviews/s (rounds' range)", "p50 / p95 / p99 / max ms", "ok / failed", "server CPU ms/review", "figure mismatches after each round", "visible = seeded + 200s"]),
      row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    );
    for (const k of kinds) {
      const rs = writeRounds.filter((w) => w.server === k && w.measured);
      if (!rs.length) continue;
      const lat = sortedCopy(rs.flatMap((w) => w.latencies));
      const ok = rs.reduce((n, w) => n + w.ok, 0);
      const wall = rs.reduce((n, w) => n + w.wallMs, 0);
      const perRound = rs.map((w) => w.ok / (w.wallMs / 1000));
      const all = writeRounds.filter((w) => w.server === k);
      const t = {
        server: k,
        reviewsPerS: ok / (wall / 1000),
        perRound,
        p50: percentile(lat, 50),
        p95: percentile(lat, 95),
        p99: percentile(lat, 99),
        max: lat[lat.length - 1] ?? NaN,
        ok,
        failed: rs.reduce((n, w) => n + w.failed, 0),
        cpuPerReviewMs: rs.reduce((n, w) => n + w.cpuMs, 0) / Math.max(1, ok),
        mismatches: all.map((w) => w.mismatches),
        countsHold: all.every((w) => w.visibleReviews === w.expectedVisible && w.stored.count === w.visibleReviews),
      };
      writeTable.push(t);
      lines.push(
        row([
          k,
          `${fmt(t.reviewsPerS, 0)} (${fmt(Math.min(...perRound), 0)}–${fmt(Math.max(...perRound), 0)})`,
          `${fmt(t.p50)} / ${fmt(t.p95)} / ${fmt(t.p99)} / ${fmt(t.max)}`,
          `${t.ok} / ${t.failed}`,
          fmt(t.cpuPerReviewMs, 2),
          t.mismatches.join(", "),
          t.countsHold ? "yes, every round" : "NO",
        ]),
      );
    }
    if (deadlocks) lines.push("", `PostgreSQL deadlocks in the benchmark's database during the writes (pg_stat_database, read after the servers stopped): ${deadlocks.after - deadlocks.before}.`);
  }
  const loadEnd = os.loadavg();
  lines.push("", `Load average (1/5/15 min): ${loadStart.map((x) => x.toFixed(2)).join(" ")} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(" ")} at the end.`);
  console.log(`\n${lines.join("\n")}\n`);

  const writesHold =
    writeRounds.every((w) => w.failed === 0 && w.mismatches === 0 && w.visibleReviews === w.expectedVisible && w.stored.count === w.visibleReviews) &&
    (!deadlocks || deadlocks.after === deadlocks.before);
  if (opts.save) {
    const dir = here("./results");
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/reviews-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
    writeFileSync(
      file,
      JSON.stringify(
        {
          opts: { ...opts, pgUrl: undefined },
          machine: { node: process.version, postgres: version, cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "?" },
          loadStart,
          loadEnd,
          seed: { visibleReviews: seeded.visibleReviews, hiddenReviews: seeded.hiddenReviews, writers: seeded.writers.length, seconds: seeded.seconds },
          cases,
          bytes,
          explains,
          listRuns,
          listTable,
          writeRounds: writeRounds.map(({ latencies, ...w }) => ({ ...w, latencies: latencies.map((l) => Math.round(l * 10) / 10) })),
          writeTable,
          deadlocks,
          writesHold,
          tookS: elapsedS(),
        },
        null,
        2,
      ),
    );
    log(`results in ${file}; EXPLAIN in ${explainFile}`);
  }
  log(`writes: invariants ${writesHold ? "HOLD" : "BROKEN"}; took ${fmt(elapsedS(), 0)} s`);
  return writesHold;
}

// The script's last statement: every outcome ends in process.exit (a failing cleanup crashes it).
void main()
  .then(
    (ok) => cleanup().then(() => (ok ? 0 : 1)),
    (err: unknown) => {
      console.error("[reviews] failed:", err);
      return cleanup().then(() => 1);
    },
  )
  .then((code) => {
    clearTimeout(deadline);
    process.exit(code);
  });
