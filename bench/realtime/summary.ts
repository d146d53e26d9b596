import { median } from "../lib/stats.ts";
import { summarize, watcherPools, type EventSamples, type RunResult } from "./measure.ts";
import type { Mode } from "./options.ts";
import type { RealtimeSummary } from "./report.ts";

/** The summary of the runs done (also when the deadline cut the run short). */
export function summarise(results: RunResult[], sizes: number[], modes: Mode[], o: { events: number; gapMs: number; watcherShare: number; rawSkips: string[] }): RealtimeSummary {
  const rows: RealtimeSummary["rows"] = [];
  for (const n of sizes) {
    for (const mode of modes) {
      const rs = results.filter((r) => r.n === n && r.mode === mode);
      if (!rs.length) continue;
      const pooled = (pick: (e: EventSamples) => number[]) => summarize(rs.flatMap((r) => pick(r.events)));
      const pools = watcherPools.get(`${n}/${mode}`) ?? [];
      const all = new Float64Array(pools.reduce((a, p) => a + p.length, 0));
      pools.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
      const runMedians = rs.map((r) => summarize(r.events.lastWatcher).p50);
      const last = pooled((e) => e.lastWatcher);
      const alone = summarize(rs.flatMap((r) => r.userEventAlone));
      const watcher = summarize(all);
      const buyer = pooled((e) => e.buyer);
      rows.push({
        n,
        mode,
        runs: rs.length,
        buyer: { p50: buyer.p50, p99: buyer.p99 },
        buyerAlone: { p50: alone.p50, p99: alone.p99 },
        watcher: { p50: watcher.p50, p99: watcher.p99 },
        fanOut: { p50: last.p50, p99: last.p99, runMedians: [Math.min(...runMedians), Math.max(...runMedians)] },
        emitSyncMs: pooled((e) => e.emitSync).p50,
        cpuMsPerEvent: median(rs.map((r) => r.serverCpuMsPerEvent)),
        rssKiBPerSocket: median(rs.map((r) => r.memory.rssPerSocket)) / 1024,
        heapKiBPerSocket: median(rs.map((r) => r.memory.heapPerSocket)) / 1024,
        missing: rs.reduce((a, r) => a + r.missing, 0),
      });
    }
  }
  const ratios: RealtimeSummary["ratios"] = [];
  for (const n of sizes) {
    const ours = rows.find((r) => r.n === n && r.mode === "one");
    const raw = rows.find((r) => r.n === n && r.mode === "raw");
    if (!ours || !raw) continue;
    ratios.push({
      n,
      fanOut: ours.fanOut.p50 / raw.fanOut.p50,
      watcherP50: ours.watcher.p50 / raw.watcher.p50,
      emitSync: ours.emitSyncMs / raw.emitSyncMs,
      cpuPerEvent: ours.cpuMsPerEvent / raw.cpuMsPerEvent,
      heapPerSocket: ours.heapKiBPerSocket / raw.heapKiBPerSocket,
    });
  }
  return { events: o.events, gapMs: o.gapMs, watcherShare: o.watcherShare, rows, ratios, rawSkips: o.rawSkips };
}

