import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable, withRange } from "../lib/markdown.ts";

/** What a checkout run keeps as its summary (medians over runs; ratios of the same run), and its table. */
export interface CheckoutSummary {
  buyers: number;
  hotVariants: number;
  stock: number;
  runs: number;
  rounds: number;
  servers: {
    kind: "ours" | "raw";
    ordersPerS: number;
    attemptsPerS: number;
    p50: number;
    p95: number;
    p99: number;
    ok: number;
    precondition: number;
    other: number;
    cpuMsPerOrder: number;
  }[];
  /** ours/raw orders/s of the same run: median and range over runs; null without both servers. */
  ratio: { median: number; range: [number, number] } | null;
  /** Every phase: no stock below zero, every unit accounted for, totals = lines, orders = 200s. */
  invariantsHold: boolean;
  /** What raw does not do that ours does (protocol.ts RAW_SKIPS). */
  rawSkips: string[];
}

export function renderCheckout(r: ResultsFile<CheckoutSummary>): string {
  const s = r.summary;
  return [
    `${s.buyers} buyers check out at once over ${s.hotVariants} hot variants × ${s.stock} units, ${s.rounds} measured round(s) per run, ` +
      `${s.runs} run(s), ours and raw alternating; medians over runs.`,
    "",
    mdTable(
      ["server", "orders/s", "attempts/s", "p50 / p95 / p99 ms", "ok", "PRECONDITION_FAILED (sold out)", "other", "server CPU ms/order"],
      s.servers.map((x) => [x.kind, fmt(x.ordersPerS, 0), fmt(x.attemptsPerS, 0), `${fmt(x.p50, 0)} / ${fmt(x.p95, 0)} / ${fmt(x.p99, 0)}`, fmt(x.ok, 0), fmt(x.precondition, 0), fmt(x.other, 0), fmt(x.cpuMsPerOrder, 2)]),
    ),
    "",
    `**ours/raw orders/s: ${s.ratio ? withRange(s.ratio.median, s.ratio.range) : "–"}** (median of the runs, range in parentheses). ` +
      `Invariants in every phase: **${s.invariantsHold ? "held" : "BROKEN"}** (no stock below zero, initial stock = stock + units sold for every variant, every order's total = its lines, orders = 200 responses).`,
    "",
    "Raw does the same statements (cart lock, cart read with the status checks, hold limits, the order with its seller orders, items and payment row, the activity row, the guarded stock updates, the events to the same null sink, the payment prepared); what it skips:",
    "",
    ...s.rawSkips.map((x) => `- ${x}`),
  ].join("\n");
}
