/**
 * Real-time benchmark (issue "Performance (a benchmark)").
 *
 * This process holds the client sockets; the server runs in one or two child processes so that
 * its memory can be measured alone. For each size N and each mode, it:
 *   1. connects N sockets in batches (80% anonymous watchers of one product, 20% signed-in buyers),
 *      sampling the servers' memory (after a full GC) as they connect (population.ts),
 *   2. runs E transactions one at a time and times each event from just after the commit
 *      (server clock, translated to ours) to its receipt by each socket (measure.ts).
 * Modes: "one", ours on one process (server-process.ts: a real transaction, `tx.variant.update`
 * + `stock.changed` to the product room + `order.updated` to a random buyer's user room); "two",
 * two processes with the Redis adapter, sockets split evenly, events published on the first;
 * "two-pubsub", the same with Socket.IO's pub/sub Redis adapter in place of the streams adapter
 * the server uses (what the streams adapter's replay of missed events costs);
 * "raw", the floor: a plain `ws` server writing the same packets to the same sockets
 * (server-raw.ts).
 *
 * `pnpm --filter @marketplace/bench realtime --help` lists the options.
 */
import { pgAdminUrl } from "../lib/args.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { fmt as ms } from "../lib/stats.ts";
import { createFixture } from "./fixture.ts";
import { runOnce, summarize, type RunResult } from "./measure.ts";
import { checkFileLimit, dbName, modes, opts, sizes, twoProcesses } from "./options.ts";
import { summarise } from "./summary.ts";

/** What the raw floor does not do that ours does, written next to its figures. */
const RAW_SKIPS = [
  "the transaction: nothing is committed (ours: BEGIN, the variant UPDATE, COMMIT through Prisma); its \"commit\" is the moment before the first write",
  "Socket.IO and engine.io: rooms and the adapter, the broadcast's packet encoding, heartbeats, the handshake with its session lookup (the buyer's user id is in the URL)",
  "the server's stock-event window and event buffer (the events are written at once)",
];

const pgUrl = pgAdminUrl();
const bench = new BenchRun("realtime", pgUrl, opts.deadline);
const log = bench.log;
// Runs of the two-process modes alone (the adapters compared) have a table of their own.
const recorder = new ResultsRecorder(modes.every(twoProcesses) ? "realtimeRedis" : "realtime");
const results: RunResult[] = [];

function describeRun(r: RunResult): string {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const e = r.events;
  const pp = (v: number[]) => {
    const x = summarize(v);
    return `${ms(x.p50)}/${ms(x.p99)}`;
  };
  let line =
    `N=${r.n} ${r.mode} #${r.repeat + 1} (load ${r.loadAvg1m.before.toFixed(1)}→${r.loadAvg1m.after.toFixed(1)}): connect ${Math.round(r.connectMs)} ms; ` +
    `p50/p99 ms: buyer ${pp(e.buyer)} (alone ${pp(r.userEventAlone)}), watcher ${ms(r.watcher.p50)}/${ms(r.watcher.p99)}, ` +
    `first watcher ${pp(e.firstWatcher)}, last watcher ${pp(e.lastWatcher)}, server emit ${pp(e.emitSync)}, ` +
    `last after emit ${pp(e.afterEmit)}, tx ${pp(e.tx)}; ` +
    `mem/socket RSS ${kb(r.memory.rssPerSocket)}, heap ${kb(r.memory.heapPerSocket)}; ` +
    `server CPU ${ms(r.serverCpuMsPerEvent)} ms/event; client RSS ${Math.round(r.clientRssMb)} MiB`;
  if (r.byServer) {
    const { A, B } = r.byServer;
    line +=
      `\n    sockets on A (publisher): watcher p50 ${ms(A.watcher.p50)}, last p50 ${ms(A.lastWatcher.p50)}, buyer p50 ${ms(A.buyer.p50)}; ` +
      `on B (through Redis): watcher p50 ${ms(B.watcher.p50)}, last p50 ${ms(B.lastWatcher.p50)}, buyer p50 ${ms(B.buyer.p50)}`;
  }
  if (r.missing || r.strays || r.duplicates) line += `\n    !! missing ${r.missing}, strays ${r.strays}, duplicates ${r.duplicates}`;
  return line;
}

/** Writes the results file of the runs done; also called when the deadline hits. */
function report(): void {
  if (!results.length) return;
  const summary = summarise(results, sizes, modes, { events: opts.events, gapMs: opts.gap, watcherShare: opts.watchers, rawSkips: RAW_SKIPS });
  for (const x of summary.ratios) {
    log(`N=${x.n} ours/raw: fan-out ${ms(x.fanOut, 2)}, watcher p50 ${ms(x.watcherP50, 2)}, emit ${ms(x.emitSync, 2)}, CPU/event ${ms(x.cpuPerEvent, 2)}, heap/socket ${ms(x.heapPerSocket, 2)}`);
  }
  const file = recorder.write({ ...opts, redis: modes.some(twoProcesses) }, summary, { results });
  log(`results in ${file}`);
}

async function main() {
  checkFileLimit();
  await recorder.readPostgresVersion(pgUrl);
  log(recorder.describeMachine());
  const buyersNeeded = Math.max(...sizes.map((n) => n - Math.round(n * opts.watchers)));
  bench.ownDatabase(dbName);
  const fixture = await createFixture(pgUrl, dbName, Math.max(buyersNeeded, 10), log);

  const durations = new Map<string, number>();
  for (let repeat = 0; repeat < opts.repeats; repeat++) {
    for (const n of sizes) {
      for (const mode of modes) {
        // Skip a run that would start after the budget, or that would likely end after the
        // deadline (judged by the last run of the same configuration, or of the same N).
        const elapsedS = bench.elapsedS();
        const expectedS = durations.get(`${n}/${mode}`) ?? Math.max(0, ...modes.map((m) => durations.get(`${n}/${m}`) ?? 0));
        if (elapsedS > opts.budget || elapsedS + expectedS * 1.3 > opts.deadline - 15) {
          log(`time budget: N=${n} ${mode} #${repeat + 1} skipped (${Math.round(elapsedS)} s used, the last such run took ${Math.round(expectedS)} s)`);
          continue;
        }
        const runStarted = performance.now();
        const r = await runOnce(fixture, n, mode, repeat);
        durations.set(`${n}/${mode}`, (performance.now() - runStarted) / 1000);
        results.push(r);
        log(describeRun(r));
      }
    }
  }
  report();
  return results.every((r) => r.missing === 0);
}

bench.run(main, report);
