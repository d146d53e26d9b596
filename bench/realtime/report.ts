import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable } from "../lib/markdown.ts";
import type { Mode } from "./options.ts";

/** What a real-time run keeps as its summary (pooled percentiles, medians of runs, ratios to the raw floor), and its tables. */
export interface RealtimeSummary {
  events: number;
  gapMs: number;
  watcherShare: number;
  rows: {
    n: number;
    mode: Mode;
    runs: number;
    buyer: P;
    buyerAlone: P;
    watcher: P;
    /** Commit → the last watcher's receipt: pooled p50/p99, and the lowest–highest run median. */
    fanOut: P & { runMedians: [number, number] };
    emitSyncMs: number;
    cpuMsPerEvent: number;
    rssKiBPerSocket: number;
    heapKiBPerSocket: number;
    missing: number;
  }[];
  /** One server process (ours) against the raw floor, per N: ours / raw of the medians. */
  ratios: { n: number; fanOut: number; watcherP50: number; emitSync: number; cpuPerEvent: number; heapPerSocket: number }[];
  rawSkips: string[];
}

export interface P {
  p50: number;
  p99: number;
}

export const MODE_TITLES: Record<Mode, string> = { one: "ours, 1 process", two: "ours, 2 processes + Redis (streams adapter)", "two-pubsub": "ours, 2 processes + Redis (pub/sub adapter)", raw: "raw floor (`ws`)" };

export function renderRealtime(r: ResultsFile<RealtimeSummary>): string {
  const s = r.summary;
  const pp = (x: P) => `${fmt(x.p50)} / ${fmt(x.p99)}`;
  const parts = [
    `Commit → receipt in ms, pooled over every event of every run (${s.events} events per run, one at a time, ${s.gapMs} ms apart; ` +
      `${Math.round(s.watcherShare * 100)}% of the sockets watch the product, the rest are signed-in buyers). Fan-out is the time until the last watcher has the event; ` +
      `in parentheses the lowest–highest median of single runs.`,
    "",
    mdTable(
      ["N", "server", "runs", "user event p50 / p99", "user event alone p50 / p99", "watcher event p50 / p99", "fan-out to all watchers p50 / p99", "synchronous emit, median ms", "server CPU ms/event", "memory per socket RSS / heap KiB"],
      s.rows.map((x) => [
        x.n,
        MODE_TITLES[x.mode],
        x.runs,
        pp(x.buyer),
        pp(x.buyerAlone),
        pp(x.watcher),
        `${pp(x.fanOut)} (${fmt(x.fanOut.runMedians[0], 0)}–${fmt(x.fanOut.runMedians[1], 0)})`,
        fmt(x.emitSyncMs),
        fmt(x.cpuMsPerEvent),
        `${fmt(x.rssKiBPerSocket)} / ${fmt(x.heapKiBPerSocket)}`,
      ]),
      ["r", "l", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  ];
  if (s.ratios.length) {
    parts.push(
      "",
      "Ours (one process) against the raw floor, ours / raw of the figures above:",
      "",
      mdTable(
        ["N", "fan-out p50", "watcher event p50", "synchronous emit", "server CPU per event", "heap per socket"],
        s.ratios.map((x) => [x.n, fmt(x.fanOut, 2), fmt(x.watcherP50, 2), fmt(x.emitSync, 2), fmt(x.cpuPerEvent, 2), fmt(x.heapPerSocket, 2)]),
      ),
    );
  }
  if (s.rows.some((x) => x.mode === "raw")) parts.push("", "What the raw floor skips:", "", ...s.rawSkips.map((x) => `- ${x}`));
  if (s.rows.some((x) => x.missing)) parts.push("", `**Events missing** (not received within 5 s): ${s.rows.map((x) => `${x.n} ${x.mode}: ${x.missing}`).join(", ")}.`);
  return parts.join("\n");
}
