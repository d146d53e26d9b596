import type { ResultsFile } from "../lib/results.ts";
import { fmt, loadAverage, mdTable, withRange } from "../lib/markdown.ts";

export interface Latency {
  calls: number;
  p50: number;
  p95: number;
  max: number;
}

interface KindSummary {
  /** Pooled over the rounds. */
  ours: Latency;
  raw: Latency;
  /** ours / raw of the same round: median over rounds and range. */
  ratioP50: number;
  ratioP50Range: [number, number];
  ratioP95: number;
  ratioP95Range: [number, number];
}

/** What a dashboards run keeps as its summary, and its tables. */
export interface StatsSummary {
  orders: number;
  shops: number;
  buyers: number;
  days: number;
  /** Measured on a database a previous run kept (seed and full rebuild not timed then). */
  reused: boolean;
  seedS: number;
  rebuildS: number;
  rollupRows: number;
  rounds: number;
  roundLoads: { round: number; server: "ours" | "raw"; loadAverage: number[] }[];
  admin: KindSummary;
  seller: KindSummary;
  /** ours with its per-process answer cache on: not the headline, most calls are hits. */
  cached: { cacheMs: number; loadAverage: number[]; admin: Latency } | null;
  rawSkips: string[];
}

const TARGET_MS = 50;

export function renderStats(r: ResultsFile<StatsSummary>): string {
  const s = r.summary;
  const row = (title: string, k: KindSummary) => [
    title,
    `${fmt(k.ours.p50)} / ${fmt(k.ours.p95)} / ${fmt(k.ours.max)}`,
    `${fmt(k.raw.p50)} / ${fmt(k.raw.p95)} / ${fmt(k.raw.max)}`,
    withRange(k.ratioP50, k.ratioP50Range),
    withRange(k.ratioP95, k.ratioP95Range),
    k.ours.p95 < TARGET_MS ? "yes" : "no",
    String(k.ours.calls),
  ];
  const loads = s.roundLoads.map((l) => `${l.round} ${l.server} ${loadAverage(l.loadAverage)}`).join("; ");
  const parts = [
    `${s.orders.toLocaleString("en")} orders over ${s.days} days, ${s.shops.toLocaleString("en")} shops, ${s.buyers.toLocaleString("en")} buyers; ` +
      (s.reused ? "measured on a kept database" : `seeded in ${fmt(s.seedS, 0)} s, rollups built in full in ${fmt(s.rebuildS, 0)} s`) +
      ` (${s.rollupRows.toLocaleString("en")} day × shop rows). One request at a time over HTTP, the last 90 days; ${s.rounds} round(s), ours and raw back to back, ` +
      `alternating which goes first; latencies pooled over the rounds, ratios of the same round (median, range). **Cold: ours has no answer cache here.** ` +
      `Load average (1/5/15 min) at the start of each server's round: ${loads}.`,
    "",
    mdTable(
      ["procedure (90 days)", "ours p50 / p95 / max ms", "raw p50 / p95 / max ms", "ours/raw p50", "ours/raw p95", `ours p95 < ${TARGET_MS} ms`, "calls per server"],
      [row("admin.stats", s.admin), row("seller.stats (random shops)", s.seller)],
    ),
  ];
  if (s.cached) {
    parts.push(
      "",
      `Not the headline: ours with its per-process answer cache on (STATS_ADMIN_CACHE_MS=${s.cached.cacheMs}; one computation per period per ${s.cached.cacheMs} ms), ` +
        `${s.cached.admin.calls} admin.stats calls one at a time, load ${loadAverage(s.cached.loadAverage)}: p50 / p95 / max ` +
        `${fmt(s.cached.admin.p50)} / ${fmt(s.cached.admin.p95)} / ${fmt(s.cached.admin.max)} ms.`,
    );
  }
  parts.push("", `What raw skips: ${s.rawSkips.join("; ")}.`);
  return parts.join("\n");
}
