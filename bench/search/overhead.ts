/**
 * Where ours' time per kept search answer goes, against two floors, at 100,000 products:
 *   - raw: plain Fastify + pg (server-raw.ts), the floor of bench/search/run.ts;
 *   - raw + transport: the same route with the marketplace's transport parts around it
 *     (transport.ts: logger, request id, drain tracking, metrics, security headers, the per-IP
 *     request budget, the compressor's hooks, cookies), registered from the server's own modules;
 *   - ours: the marketplace (server-ours.ts), which adds tRPC's route and the answer cache's hooks.
 * One kept answer (the search's own `broad`, "wool"), driven saturated in `--rounds` rounds of
 * `--duration` seconds per server, the order rotated each round; per server the median req/s and
 * CPU per request, and the ratios of paired rounds. The machine is shared: read ratios within a
 * run, not figures across runs.
 *
 * With `--base <commit>`, that commit's ours and raw + transport run in the same rounds (checked
 * out beside this tree: lib/base-commit.ts), and the run gives what the change since it did, from
 * paired rounds. The base must read the same database schema.
 *
 *   pnpm --filter @marketplace/bench run overhead [--rounds 12 --duration 3] [--base <commit>]
 */
import { isDeepStrictEqual } from "node:util";
import { num, parseOptions, PG_ENV, pgAdminUrl, str } from "../lib/args.ts";
import { checkOutBase } from "../lib/base-commit.ts";
import { bundled } from "../lib/bundle.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { drive } from "../lib/load.ts";
import { fmt } from "../lib/markdown.ts";
import { ServerProcess } from "../lib/processes.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { median } from "../lib/stats.ts";
import type { OverheadSummary, OverheadKind } from "./overhead-report.ts";
import { RAW_SEARCH_PATH, type ServerEnv } from "./protocol.ts";
import { reuseDatabase, seedDatabase } from "./seed.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench run overhead",
    about: "A kept catalog.search answer from ours, raw, and raw with the marketplace's transport parts: CPU per request and req/s.",
    env: { ...PG_ENV, BENCH_DB: "the 100,000-product database (default mk_bench_search): used as it is when it holds --products products, else seeded and dropped" },
  },
  {
    products: num(100_000, "products"),
    connections: num(50, "autocannon connections"),
    duration: num(3, "seconds per server per round"),
    rounds: num(12, "rounds (the order of the servers rotates)"),
    warmup: num(2, "seconds of unmeasured load per server first"),
    deadline: num(600, "seconds: hard stop"),
    base: str("", "a commit whose ours and raw + transport run beside this tree's (git worktree; same schema)"),
  },
);
const SEED = 20261127; // as search/run.ts, so that a kept catalog serves both
const pgUrl = pgAdminUrl();
const dbName = process.env.BENCH_DB ?? "mk_bench_search";
const bench = new BenchRun("overhead", pgUrl, opts.deadline);
const log = bench.log;
const recorder = new ResultsRecorder("overhead");
const QUERY = { q: "wool" };
const KINDS: OverheadKind[] = ["raw", "transport", "ours", ...(opts.base ? (["base-transport", "base-ours"] as const) : [])];

async function main() {
  await recorder.readPostgresVersion(pgUrl);
  log(recorder.describeMachine());
  const reused = await reuseDatabase(pgUrl, dbName, opts.products, log);
  if (reused) bench.keepDatabases = true;
  else bench.ownDatabase(dbName);
  const { url } = reused ?? (await seedDatabase(pgUrl, dbName, { products: opts.products, shops: 20, seed: SEED }, log));
  const env: ServerEnv = { DATABASE_URL: url, DATABASE_POOL_SIZE: "10", BENCH_FACET_TTL_MS: "10000", BENCH_RESULT_TTL_MS: "30000" };
  const [ours, raw] = [await bundled(new URL("./server-ours.ts", import.meta.url), "search-ours"), await bundled(new URL("./server-raw.ts", import.meta.url), "search-raw")];
  const base = opts.base ? await checkOutBase(opts.base, log) : null;
  const [baseOurs, baseRaw] = base ? [await base.bundle("bench/search/server-ours.ts", "search-ours"), await base.bundle("bench/search/server-raw.ts", "search-raw")] : [];
  const envelope = encodeURIComponent(JSON.stringify({ json: QUERY }));
  const servers = await Promise.all(
    KINDS.map(async (kind) => {
      const script = { ours, raw, transport: raw, "base-ours": baseOurs!, "base-transport": baseRaw! }[kind];
      const transport = kind === "transport" || kind === "base-transport";
      const proc = await ServerProcess.start({ name: kind, script, plain: true, env: { ...env, BENCH_RAW_TRANSPORT: transport ? "1" : "0" } });
      const path = kind === "ours" || kind === "base-ours" ? `/trpc/catalog.search?input=${envelope}` : `${await rawRoute(proc.url, envelope)}?input=${envelope}`;
      return { kind, proc, url: `${proc.url}${path}`, rps: [] as number[], cpuUs: [] as number[] };
    }),
  );
  // The same answer from all (a base that answers differently is not measuring the same work).
  const bodies = await Promise.all(servers.map(async (s) => ((await (await fetch(s.url)).json()) as { result?: { data: { json: unknown } } })));
  const answers = bodies.map((b, i) => (servers[i]!.kind.endsWith("ours") ? b.result!.data.json : b));
  if (!answers.every((a) => isDeepStrictEqual(a, answers[0]))) throw new Error("the servers answer differently");
  for (const s of servers) await drive(s.proc, s.url, { connections: opts.connections, seconds: opts.warmup });
  log(`warmed up; ${opts.rounds} rounds of ${opts.duration} s per server`);

  for (let round = 0; round < opts.rounds; round++) {
    const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
    for (const s of order) {
      const r = await drive(s.proc, s.url, { connections: opts.connections, seconds: opts.duration });
      if (r.errors || r.timeouts || r.non2xx) throw new Error(`${s.kind}: errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`);
      s.rps.push(r.rps);
      s.cpuUs.push(r.cpuPerRequestMs * 1000);
    }
    log(`round ${round + 1}: ${servers.map((s) => `${s.kind} ${fmt(s.rps.at(-1)!, 0)} req/s ${fmt(s.cpuUs.at(-1)!, 1)} µs`).join("  ")}`);
  }

  const by = Object.fromEntries(servers.map((s) => [s.kind, s])) as Record<OverheadKind, (typeof servers)[number]>;
  const paired = (a: OverheadKind, b: OverheadKind) => median(by[a].rps.map((x, i) => x / by[b].rps[i]!));
  const pairedCpu = (a: OverheadKind, b: OverheadKind) => median(by[a].cpuUs.map((x, i) => x - by[b].cpuUs[i]!));
  const summary: OverheadSummary = {
    products: opts.products,
    connections: opts.connections,
    rounds: opts.rounds,
    durationS: opts.duration,
    servers: KINDS.map((kind) => ({ kind, rps: median(by[kind].rps), cpuUs: median(by[kind].cpuUs) })),
    ratios: { oursToRaw: paired("ours", "raw"), transportToRaw: paired("transport", "raw"), oursToTransport: paired("ours", "transport") },
    ...(base && {
      base: {
        commit: base.commit,
        oursToBase: paired("ours", "base-ours"),
        transportToBase: paired("transport", "base-transport"),
        baseOursToRaw: paired("base-ours", "raw"),
        oursCpuChangeUs: pairedCpu("ours", "base-ours"),
        transportCpuChangeUs: pairedCpu("transport", "base-transport"),
      },
    }),
  };
  for (const s of summary.servers) log(`${s.kind.padEnd(14)} ${fmt(s.rps, 0)} req/s, ${fmt(s.cpuUs, 1)} µs CPU per request (medians)`);
  log(`paired ratios: ours/raw ${fmt(summary.ratios.oursToRaw, 3)}, transport/raw ${fmt(summary.ratios.transportToRaw, 3)}, ours/transport ${fmt(summary.ratios.oursToTransport, 3)}`);
  if (summary.base) {
    const b = summary.base;
    log(`against ${b.commit.slice(0, 10)}: ours ×${fmt(b.oursToBase, 3)} req/s, ${fmt(b.oursCpuChangeUs, 1)} µs CPU; raw + transport ×${fmt(b.transportToBase, 3)}, ${fmt(b.transportCpuChangeUs, 1)} µs; its ours/raw ${fmt(b.baseOursToRaw, 3)}`);
  }
  const file = recorder.write({ ...opts, seed: SEED }, summary, { query: QUERY, servers: servers.map(({ kind, rps, cpuUs }) => ({ kind, rps, cpuUs })) });
  log(`results in ${file}`);
}

/** Raw's route: `/trpc/search` (RAW_SEARCH_PATH), or `/search` in a base commit older than it. */
async function rawRoute(url: string, envelope: string): Promise<string> {
  return (await fetch(`${url}${RAW_SEARCH_PATH}?input=${envelope}`)).status === 404 ? "/search" : RAW_SEARCH_PATH;
}

bench.run(main);
