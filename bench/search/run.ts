/**
 * Catalog search benchmark (issue "Performance (a benchmark)").
 *
 *   1. Seeds `--products` products in 20 shops (1–4 variants each) into a database of its own
 *      (seed.ts), and checks the variants trigger on it.
 *   2. Resolves the searches (queries.ts), writes EXPLAIN (ANALYZE, BUFFERS) of every statement
 *      they run to search/explain.txt, with their time alone.
 *   3. Starts three servers in child processes: "ours" (the real server, server-ours.ts: tRPC,
 *      Prisma), "raw" (plain Fastify + node-postgres running the same statements,
 *      server-raw.ts) and "transport" (raw with the marketplace's transport parts around its
 *      route: transport.ts), and checks that all answer every search identically.
 *   4. Drives each search with autocannon, `--connections` connections, `--duration` seconds per
 *      search per server, the three back to back (the order rotated each round), `--rounds`
 *      rounds; then ours and raw once more each at a fixed, evenly spaced rate (`--paced` × ours'
 *      saturated rate; lib/paced.ts), for the latency below saturation.
 *   5. Prints the figures, writes bench/results/search-<time>.json, stops the servers and drops
 *      the database, also after a failure or at the deadline.
 *
 * `pnpm --filter @marketplace/bench run search --help` lists the options.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { flag, list, num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { drive, type LoadStats } from "../lib/load.ts";
import { fmt } from "../lib/markdown.ts";
import { bundled } from "../lib/bundle.ts";
import { ServerProcess } from "../lib/processes.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { median } from "../lib/stats.ts";
import { explainAll } from "./explain.ts";
import { RAW_SEARCH_PATH, type ServerEnv } from "./protocol.ts";
import { benchQueries, searchWith, type BenchQuery } from "./queries.ts";
import type { SearchSummary } from "./report.ts";
import { checkTrigger, reuseDatabase, seedDatabase } from "./seed.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench run search",
    about: "catalog.search at 100,000 products: the real server against plain Fastify + pg running the same statements.",
    env: { ...PG_ENV, BENCH_DB: "the database the run creates and drops (default mk_bench_search)" },
  },
  {
    products: num(100_000, "products seeded"),
    connections: num(50, "autocannon connections (saturated)"),
    duration: num(10, "seconds per search per server per round"),
    rounds: num(3, "rounds (ours and raw back to back, alternating which goes first)"),
    warmup: num(1, "seconds of unmeasured load per search per server first"),
    paced: num(0.5, "paced pass at this share of ours' saturated rate (0: none)"),
    "paced-duration": num(4, "seconds per paced run"),
    only: list([], "searches to load (text,typo,filtered,browse,deep-newest,deep-price,broad,broad-filtered,broad-price,broad-price-filtered,broad-browser)"),
    "facet-ttl": num(10_000, "facet cache time to live, ms, in both servers"),
    "explain-runs": num(15, "timed runs of each statement alone for explain.txt (after a fifth as many, at least one, to warm up)"),
    "result-ttl": num(30_000, "result cache (first pages of queries) time to live, ms, in both servers (0: off)"),
    pool: num(10, "database pool size of both servers"),
    budget: num(540, "seconds: no round or paced pass starts past this if it would not fit"),
    deadline: num(590, "seconds: hard stop (servers killed, database dropped, exit 1)"),
    keep: flag("keep the database at the end"),
    reuse: flag("use the database BENCH_DB as it is when it holds --products products (a kept 1,000,000-product catalog: no reseeding, no trigger check; kept at the end)"),
  },
);
const SEED = 20261127;
const pgUrl = pgAdminUrl();
const dbName = process.env.BENCH_DB ?? "mk_bench_search";
const bench = new BenchRun("search", pgUrl, opts.deadline);
bench.keepDatabases = opts.keep;
const log = bench.log;
// 1,000,000 products and more: a results file (and README block) of its own beside the 100,000 one.
const recorder = new ResultsRecorder(opts.products >= 1_000_000 ? "search1m" : "search");

/** "transport": raw with the marketplace's transport parts (security headers, request budget, request id, metrics, logger, compression and cookie hooks). */
type Kind = "ours" | "raw" | "transport";
interface Server {
  kind: Kind;
  process: ServerProcess;
}
interface RunStats extends LoadStats {
  server: Kind;
  query: string;
  round: number;
  /** Offered rate for a paced run, else null (saturated). */
  rate: number | null;
}

/** The URL of a search. */
function searchUrl(s: Server, input: Record<string, unknown>): string {
  const envelope = encodeURIComponent(JSON.stringify({ json: input }));
  return s.kind === "ours" ? `${s.process.url}/trpc/catalog.search?input=${envelope}` : `${s.process.url}${RAW_SEARCH_PATH}?input=${envelope}`;
}

/** One search's answer, unwrapped from tRPC's envelope for ours. */
async function fetchJson(s: Server, input: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ body: unknown; bytes: number }> {
  const res = await fetch(searchUrl(s, input), { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${s.kind}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  const parsed = JSON.parse(text) as { result?: { data?: { json?: unknown } } };
  return { body: s.kind === "ours" ? parsed.result?.data?.json : parsed, bytes: text.length };
}

async function run(s: Server, q: BenchQuery, seconds: number, round: number, rate: number | null): Promise<RunStats> {
  const stats = await drive(s.process, searchUrl(s, q.input), { connections: opts.connections, seconds, rate, headers: q.headers });
  return { server: s.kind, query: q.key, round, rate, ...stats };
}

/** A server process's peak resident set so far (VmHWM, Linux), MB; NaN where /proc cannot tell. */
function peakRssMb(s: Server): number {
  try {
    const status = readFileSync(`/proc/${s.process.child.pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

async function main() {
  await recorder.readPostgresVersion(pgUrl);
  log(recorder.describeMachine());

  const reused = opts.reuse ? await reuseDatabase(pgUrl, dbName, opts.products, log) : null;
  if (reused) bench.keepDatabases = true;
  else bench.ownDatabase(dbName);
  const { url, summary: seed } = reused ?? (await seedDatabase(pgUrl, dbName, { products: opts.products, shops: 20, seed: SEED }, log));
  const trigger = reused ? null : await checkTrigger(url, log);
  const pool = new pg.Pool({ connectionString: url, options: "-c jit=off", max: 4 }); // as the servers' pools
  bench.onCleanup(() => pool.end());
  const all = await benchQueries(pool);
  const queries = all.filter((q) => q.load && (opts.only.length === 0 || opts.only.includes(q.key)));
  const warmRuns = Math.max(1, Math.round(opts["explain-runs"] / 5));
  const explainFile = fileURLToPath(new URL(opts.products >= 1_000_000 ? "./explain-1m.txt" : "./explain.txt", import.meta.url));
  const explains = await explainAll(
    pool,
    // A search that differs from another only by its headers runs the same statements.
    (opts.only.length ? all.filter((q) => opts.only.includes(q.key)) : all).filter((q) => !q.headers),
    explainFile,
    [
      "catalog.search: EXPLAIN (ANALYZE, BUFFERS) of the statements each search runs (generated by bench/search/run.ts).",
      `${new Date().toISOString()}, PostgreSQL ${recorder.postgres}, ${seed.products} products (${seed.listed} listed), ${seed.variants} variants, ${seed.shops} shops.`,
      `Each statement was run alone (no other load) ${warmRuns} time(s) to warm up, timed ${opts["explain-runs"]} times, then explained.`,
      "A first page without a query runs two statements: the page (every request) and the facets (cached for a few seconds).",
    ],
    log,
    { warm: warmRuns, timed: opts["explain-runs"] },
  );

  const env: ServerEnv = { DATABASE_URL: url, DATABASE_POOL_SIZE: String(opts.pool), BENCH_FACET_TTL_MS: String(opts["facet-ttl"]), BENCH_RESULT_TTL_MS: String(opts["result-ttl"]) };
  // Both servers run bundled, as the image runs the marketplace (plain JavaScript, no tsx).
  const [oursBundle, rawBundle] = [await bundled(new URL("./server-ours.ts", import.meta.url), "search-ours"), await bundled(new URL("./server-raw.ts", import.meta.url), "search-raw")];
  const start = async (kind: Kind): Promise<Server> => ({
    kind,
    process: await ServerProcess.start({ name: kind, script: kind === "ours" ? oursBundle : rawBundle, plain: true, env: { ...env, BENCH_RAW_TRANSPORT: kind === "transport" ? "1" : "0" } }),
  });
  const [ours, raw, transport] = await Promise.all([start("ours"), start("raw"), start("transport")]);
  const servers = [ours, raw, transport];
  log(`ours at ${ours.process.url}, raw at ${raw.process.url}, raw + transport at ${transport.process.url}`);

  // Same answers from both, and the same as in-process: both run the same statements.
  const bytes: Record<string, number> = {};
  for (const q of queries) {
    const [a, b, c] = await Promise.all([fetchJson(ours, q.input, q.headers), fetchJson(raw, q.input, q.headers), fetchJson(transport, q.input, q.headers)]);
    const local = JSON.parse(JSON.stringify(await searchWith(pool, q.input))) as unknown;
    if (!isDeepStrictEqual(a.body, b.body) || !isDeepStrictEqual(a.body, c.body) || !isDeepStrictEqual(a.body, local)) throw new Error(`${q.key}: ours, raw and raw + transport answer differently`);
    bytes[q.key] = a.bytes;
    log(`${q.key}: same answer from all three (${(a.body as { items: unknown[] }).items.length} items, ${a.bytes} bytes from ours, ${b.bytes} from raw)`);
  }

  const runs: RunStats[] = [];
  if (opts.warmup > 0) {
    for (const q of queries) for (const s of servers) await run(s, q, opts.warmup, 0, null);
    log(`warmed up (${opts.warmup} s per search per server)`);
  }
  let roundsDone = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    if (round > 1 && bench.elapsedS() + queries.length * servers.length * (opts.duration + 1.5) > opts.budget) {
      log(`budget: round ${round} would not fit; stopping after ${roundsDone} rounds`);
      break;
    }
    for (const q of queries) {
      for (const s of servers.map((_, i) => servers[(i + round) % servers.length]!)) {
        const r = await run(s, q, opts.duration, round, null);
        runs.push(r);
        log(
          `round ${round} ${q.key.padEnd(11)} ${s.kind.padEnd(9)} ${fmt(r.rps, 0).padStart(5)} req/s  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  p99 ${fmt(r.p99)} ms` +
            `  cpu ${fmt(r.cpuPerRequestMs, 2)} ms/req${r.errors + r.timeouts + r.non2xx ? `  errors ${r.errors} timeouts ${r.timeouts} non2xx ${r.non2xx}` : ""}`,
        );
      }
    }
    roundsDone = round;
  }

  const pick = (server: Kind, key: string, paced: boolean) => runs.filter((r) => r.server === server && r.query === key && (r.rate !== null) === paced);
  const med = (rs: RunStats[], f: (r: RunStats) => number) => median(rs.map(f));
  const figures = (rs: RunStats[]) => ({ rps: med(rs, (r) => r.rps), p50: med(rs, (r) => r.p50), p95: med(rs, (r) => r.p95), p99: med(rs, (r) => r.p99), cpuMs: med(rs, (r) => r.cpuPerRequestMs) });

  let paced: SearchSummary["paced"] = null;
  if (opts.paced > 0) {
    if (bench.elapsedS() + queries.length * 2 * (opts["paced-duration"] + 1.5) > opts.budget) log("budget: no paced pass");
    else {
      paced = { share: opts.paced, durationS: opts["paced-duration"], warmupS: 2, rows: [] };
      const rateOf = (q: BenchQuery) => Math.max(5, Math.round(opts.paced * med(pick("ours", q.key, false), (r) => r.rps)));
      // The paced driver's first window ran slow whatever it drove (its code and connections
      // cold: p95 60–140 ms against 4–15 ms in the windows after it, ours and raw alike, no major
      // GC in the server): it is warmed up first, unmeasured, and the order alternates.
      for (const s of servers) await drive(s.process, searchUrl(s, queries[0]!.input), { connections: opts.connections, seconds: paced.warmupS!, rate: rateOf(queries[0]!), headers: queries[0]!.headers });
      for (const [i, q] of queries.entries()) {
        const rate = rateOf(q);
        let o: RunStats, w: RunStats;
        if (i % 2) {
          w = await run(raw, q, opts["paced-duration"], 1, rate);
          o = await run(ours, q, opts["paced-duration"], 1, rate);
        } else {
          o = await run(ours, q, opts["paced-duration"], 1, rate);
          w = await run(raw, q, opts["paced-duration"], 1, rate);
        }
        runs.push(o, w);
        paced.rows.push({ key: q.key, title: q.title, rate, ours: { p50: o.p50, p95: o.p95, p99: o.p99 }, raw: { p50: w.p50, p95: w.p95, p99: w.p99 } });
        log(`paced ${q.key.padEnd(11)} at ${rate} req/s: ours p95 ${fmt(o.p95)} ms, raw p95 ${fmt(w.p95)} ms`);
      }
    }
  }

  const summary: SearchSummary = {
    rssPeakMb: { ours: peakRssMb(ours), raw: peakRssMb(raw), transport: peakRssMb(transport) },
    explainRuns: opts["explain-runs"],
    products: seed.products,
    listed: seed.listed,
    connections: opts.connections,
    durationS: opts.duration,
    rounds: roundsDone,
    rows: queries.flatMap((q) => {
      const o = pick("ours", q.key, false);
      const w = pick("raw", q.key, false);
      const t = pick("transport", q.key, false);
      if (!o.length || !w.length || !t.length) return [];
      const ratiosTo = (floor: RunStats[]) => o.map((r) => r.rps / (floor.find((x) => x.round === r.round)?.rps ?? NaN));
      const [ratios, transportRatios] = [ratiosTo(w), ratiosTo(t)];
      const errors = [...o, ...w, ...t].reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
      return [
        {
          key: q.key,
          title: q.title,
          ours: figures(o),
          raw: figures(w),
          ratio: median(ratios),
          ratioRange: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
          transport: figures(t),
          transportRatio: median(transportRatios),
          transportRatioRange: [Math.min(...transportRatios), Math.max(...transportRatios)] as [number, number],
          errors,
        },
      ];
    }),
    paced,
    statements: explains.map((e) => ({ title: e.title, role: e.role + (e.jit ? " (JIT)" : ""), medianMs: e.medianMs, executionMs: e.executionMs })),
  };
  for (const r of summary.rows)
    log(`${r.key.padEnd(11)} ours/raw ${fmt(r.ratio, 2)} (${fmt(r.ratioRange[0], 2)}–${fmt(r.ratioRange[1], 2)}), ours/(raw + transport) ${fmt(r.transportRatio!, 2)} (${fmt(r.transportRatioRange![0], 2)}–${fmt(r.transportRatioRange![1], 2)})`);
  const file = recorder.write({ ...opts, seed: SEED, pool: opts.pool }, summary, { seed, trigger, bytes, queries, explains, runs });
  log(`results in ${file}; EXPLAIN in ${explainFile}`);
}

bench.run(main);
