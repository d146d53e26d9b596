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
 *   6. Prints the figures, writes bench/results/reviews-<time>.json, stops the servers and drops
 *      the database, also after a failure or at the deadline.
 *
 * `pnpm --filter @marketplace/bench reviews --help` lists the options.
 */
import http from "node:http";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { figureMismatches } from "../../server/src/test/review-oracle.ts";
import { flag, list, num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { drive as driveLoad, type LoadStats } from "../lib/load.ts";
import { ServerProcess } from "../lib/processes.ts";
import { rng } from "../lib/random.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { fmt, median, percentile, sortedCopy } from "../lib/stats.ts";
import { benchCases, type BenchCase } from "./cases.ts";
import { explainAll, type ExplainSummary } from "./explain.ts";
import { RAW_SKIPS, SESSION_COOKIE, type ServerEnv } from "./protocol.ts";
import type { ReviewsSummary } from "./report.ts";
import { seedDatabase, type Seeded, type Writer } from "./seed.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench reviews",
    about: "review.listProduct on a product with 10,000 reviews, and concurrent review creates: the real server against plain Fastify + pg running the same statements.",
    env: { ...PG_ENV, BENCH_DB: "the database the run creates and drops (default mk_bench_reviews)" },
  },
  {
    reviews: num(10_000, "visible reviews of the product"),
    hidden: num(200, "hidden reviews besides"),
    "deep-page": num(100, "the page the deep cursor case reads"),
    connections: num(50, "autocannon connections (lists)"),
    duration: num(7, "seconds per list case per server per round"),
    rounds: num(3, "list rounds (ours and raw back to back, alternating which goes first)"),
    warmup: num(1, "seconds of unmeasured load per case per server first"),
    only: list([], "list cases (first,deep,stars5,helpful)"),
    writers: num(50, "buyers creating a review at once"),
    "write-rounds": num(5, "measured write rounds per server"),
    "write-warmup": num(1, "unmeasured write rounds per server first"),
    "no-lists": flag("skip the lists"),
    "no-writes": flag("skip the writes"),
    pool: num(10, "database pool size of both servers"),
    budget: num(270, "seconds: no list round starts past this if it would not fit"),
    deadline: num(320, "seconds: hard stop (servers killed, database dropped, exit 1)"),
    keep: flag("keep the database at the end"),
  },
);
const SEED = 20261201;
const pgUrl = pgAdminUrl();
const dbName = process.env.BENCH_DB ?? "mk_bench_reviews";
const bench = new BenchRun("reviews", pgUrl, opts.deadline);
bench.keepDatabases = opts.keep;
const log = bench.log;
const elapsedS = () => bench.elapsedS();
const recorder = new ResultsRecorder("reviews");

type Kind = "ours" | "raw";
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
let seeded: Seeded | undefined;
let pool: pg.Pool | undefined;

interface Running {
  kind: Kind;
  url: string;
  process: ServerProcess;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(kind: Kind, env: ServerEnv): Promise<Running> {
  const p = await ServerProcess.start({ name: kind, script: new URL(`./server-${kind}.ts`, import.meta.url), env: { ...env } });
  return { kind, url: p.url, process: p, cpu: () => p.cpuMs(), stop: () => p.stop() };
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
interface ListRun extends LoadStats {
  server: Kind;
  key: string;
  round: number;
}

async function drive(s: Running, c: BenchCase, seconds: number, round: number): Promise<ListRun> {
  const stats = await driveLoad(s.process, listUrl(s, c.input), { connections: opts.connections, seconds });
  return { server: s.kind, key: c.key, round, ...stats };
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
    [dbName],
  );
  return { deadlocks: Number(r.rows[0]!.deadlocks), rollbacks: Number(r.rows[0]!.xact_rollback), commits: Number(r.rows[0]!.xact_commit) };
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  await recorder.readPostgresVersion(pgUrl);
  log(recorder.describeMachine());
  const kinds: Kind[] = ["ours", "raw"];
  const writersNeeded = !opts["no-writes"] ? (opts["write-warmup"] + opts["write-rounds"]) * opts.writers * kinds.length : 0;
  bench.ownDatabase(dbName);
  seeded = await seedDatabase(pgUrl, dbName, { reviews: opts.reviews, hidden: opts.hidden, writers: writersNeeded, poolSize: 4 }, log);
  pool = new pg.Pool({ connectionString: seeded.url, options: "-c jit=off", max: 4 });
  pool.on("error", () => {});
  bench.onCleanup(async () => {
    await pool?.end();
    await seeded?.database.close();
  });
  const version = recorder.postgres;
  const productId = seeded.productId;

  const allCases = await benchCases(pool, productId, opts["deep-page"]);
  const cases = allCases.filter((c) => opts.only.length === 0 || opts.only.includes(c.key));
  const explainFile = here("./explain.txt");
  let explains: ExplainSummary[] = [];
  if (!opts["no-lists"]) {
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
  if (!opts["no-lists"]) {
    for (const c of cases) {
      const [a, b] = await Promise.all([fetchList(ours, c.input), fetchList(raw, c.input)]);
      if (!isDeepStrictEqual(a.body, b.body)) throw new Error(`${c.key}: ours and raw answer differently:\n${JSON.stringify(a.body).slice(0, 600)}\n${JSON.stringify(b.body).slice(0, 600)}`);
      const items = (a.body as { items: unknown[] }).items.length;
      bytes[c.key] = { ours: a.bytes, raw: b.bytes };
      log(`${c.key}: same answer from both (${items} items; ${a.bytes} bytes from ours, ${b.bytes} from raw)`);
    }
    if (opts.warmup > 0) {
      for (const c of cases) for (const s of servers) await drive(s, c, opts.warmup, 0);
      log(`warmed up (${opts.warmup} s per case per server)`);
    }
    const perRound = cases.length * 2 * (opts.duration + 0.7);
    const writesNeedS = !opts["no-writes"] ? 25 : 0;
    for (let round = 1; round <= opts.rounds; round++) {
      if (round > 1 && elapsedS() + perRound + writesNeedS > opts.budget) {
        log(`budget: round ${round} would not fit; stopping after ${roundsDone} round(s)`);
        break;
      }
      for (const c of cases) {
        const order = round % 2 ? [ours, raw] : [raw, ours];
        for (const s of order) {
          const r = await drive(s, c, opts.duration, round);
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
  if (!opts["no-writes"]) {
    const statsBefore = await dbStats();
    let expected = seeded.visibleReviews;
    let next = 0;
    const random = rng(SEED);
    const total = opts["write-warmup"] + opts["write-rounds"];
    for (let r = 0; r < total; r++) {
      const order = r % 2 ? [raw, ours] : [ours, raw];
      for (const s of order) {
        const writers = seeded.writers.slice(next, next + opts.writers);
        next += opts.writers;
        const w = await writeRound(s, writers, productId, r, r >= opts["write-warmup"], expected, random);
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
    log(`deadlocks in ${dbName} during the writes: ${statsAfter.deadlocks - statsBefore.deadlocks}; rollbacks ${statsAfter.rollbacks - statsBefore.rollbacks}`);
  } else {
    await Promise.all(servers.map((s) => s.stop()));
  }

  // ---- summary ----
  const med = (rs: ListRun[], f: (r: ListRun) => number) => median(rs.map(f));
  const lists: ReviewsSummary["lists"] = cases.flatMap((c) => {
    const o = listRuns.filter((r) => r.server === "ours" && r.key === c.key);
    const w = listRuns.filter((r) => r.server === "raw" && r.key === c.key);
    if (!o.length || !w.length) return [];
    const ratios = o.map((r) => r.rps / (w.find((x) => x.round === r.round)?.rps ?? NaN));
    const side = (rs: ListRun[]) => ({ rps: med(rs, (r) => r.rps), p50: med(rs, (r) => r.p50), p99: med(rs, (r) => r.p99), cpuMs: med(rs, (r) => r.cpuPerRequestMs) });
    return [{ key: c.key, title: c.title, ours: side(o), raw: side(w), ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number] }];
  });
  const writes: ReviewsSummary["writes"] = kinds.flatMap((k) => {
    const rs = writeRounds.filter((w) => w.server === k && w.measured);
    if (!rs.length) return [];
    const lat = sortedCopy(rs.flatMap((w) => w.latencies));
    const ok = rs.reduce((n, w) => n + w.ok, 0);
    const all = writeRounds.filter((w) => w.server === k);
    return [
      {
        server: k,
        reviewsPerS: ok / (rs.reduce((n, w) => n + w.wallMs, 0) / 1000),
        p50: percentile(lat, 50),
        p95: percentile(lat, 95),
        p99: percentile(lat, 99),
        ok,
        failed: rs.reduce((n, w) => n + w.failed, 0),
        cpuMsPerReview: rs.reduce((n, w) => n + w.cpuMs, 0) / Math.max(1, ok),
        mismatches: all.reduce((n, w) => n + w.mismatches, 0),
        countsHold: all.every((w) => w.visibleReviews === w.expectedVisible && w.stored.count === w.visibleReviews),
      },
    ];
  });
  const oursW = writes.find((w) => w.server === "ours");
  const rawW = writes.find((w) => w.server === "raw");
  const summary: ReviewsSummary = {
    reviews: seeded.visibleReviews,
    connections: opts.connections,
    durationS: opts.duration,
    rounds: roundsDone,
    lists,
    writers: opts.writers,
    writeRounds: opts["write-rounds"],
    writes,
    writeRatio: oursW && rawW ? oursW.reviewsPerS / rawW.reviewsPerS : null,
    deadlocks: deadlocks ? deadlocks.after - deadlocks.before : null,
    rawSkips: RAW_SKIPS,
  };
  for (const l of lists) log(`${l.key.padEnd(7)} ours/raw ${fmt(l.ratio, 2)} (${fmt(l.ratioRange[0], 2)}–${fmt(l.ratioRange[1], 2)}), CPU ms/req ${fmt(l.ours.cpuMs, 2)} / ${fmt(l.raw.cpuMs, 2)}`);
  for (const w of writes) log(`writes ${w.server}: ${fmt(w.reviewsPerS, 0)} reviews/s, ${w.ok} ok / ${w.failed} failed, ${w.mismatches} mismatches`);

  const writesHold =
    writeRounds.every((w) => w.failed === 0 && w.mismatches === 0 && w.visibleReviews === w.expectedVisible && w.stored.count === w.visibleReviews) &&
    (!deadlocks || deadlocks.after === deadlocks.before);
  const file = recorder.write({ ...opts, seed: SEED }, summary, {
    seed: { visibleReviews: seeded.visibleReviews, hiddenReviews: seeded.hiddenReviews, writers: seeded.writers.length, seconds: seeded.seconds },
    cases,
    bytes,
    explains,
    listRuns,
    writeRounds: writeRounds.map(({ latencies, ...w }) => ({ ...w, latencies: latencies.map((l) => Math.round(l * 10) / 10) })),
    deadlocks,
    writesHold,
  });
  log(`results in ${file}; EXPLAIN in ${explainFile}`);
  log(`writes: invariants ${writesHold ? "HOLD" : "BROKEN"}; took ${fmt(elapsedS(), 0)} s`);
  return writesHold;
}

bench.run(main);
