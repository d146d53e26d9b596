import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable, triple, withRange } from "../lib/markdown.ts";

/** What a search run keeps as its summary (medians over rounds, ratios of the same round), and its tables. */
export interface SearchSummary {
  /** Peak resident set of each server process over the run (VmHWM), MB; absent in older files. */
  rssPeakMb?: { ours: number; raw: number; transport?: number };
  /** Timed runs per statement in the statements table (15 in older files). */
  explainRuns?: number;
  products: number;
  listed: number;
  connections: number;
  durationS: number;
  rounds: number;
  rows: {
    key: string;
    title: string;
    ours: { rps: number; p50: number; p95: number; p99: number; cpuMs: number };
    raw: { rps: number; p50: number; p95: number; p99: number; cpuMs: number };
    /** ours/raw req/s of the same round: median and range over rounds. */
    ratio: number;
    ratioRange: [number, number];
    /** Raw with the marketplace's transport parts (transport.ts), and ours over it; absent in older files. */
    transport?: { rps: number; p50: number; p95: number; p99: number; cpuMs: number };
    transportRatio?: number;
    transportRatioRange?: [number, number];
    errors: number;
  }[];
  /** `warmupS`: the paced driver's unmeasured warm-up (runs before it had none). */
  paced: { share: number; durationS: number; warmupS?: number; rows: { key: string; title: string; rate: number; ours: Latency; raw: Latency }[] } | null;
  statements: { title: string; role: string; medianMs: number; executionMs: number }[];
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

export function renderSearch(r: ResultsFile<SearchSummary>): string {
  const s = r.summary;
  const parts = [
    `Saturated: autocannon, ${s.connections} connections, ${s.durationS} s per search per server, ` +
      `${s.rows.some((x) => x.transport) ? "ours, raw and raw + transport (raw with the marketplace's transport parts: search/transport.ts) back to back, the order rotated each round" : "ours and raw back to back"}, ` +
      `${s.rounds} round(s); medians over rounds, the ratio's range over rounds in parentheses. ${s.products.toLocaleString("en")} products ` +
      `(${s.listed.toLocaleString("en")} listed).`,
    "",
    s.rows.some((x) => x.transport)
      ? mdTable(
          ["search", "ours req/s", "ours p50 / p95 / p99 ms", "raw req/s", "raw + transport req/s", "ours/raw req/s", "ours/(raw + transport) req/s", "Node CPU ms/req ours / raw / raw + transport", "errors"],
          s.rows.map((x) => [
            x.title,
            fmt(x.ours.rps, 0),
            triple(x.ours),
            fmt(x.raw.rps, 0),
            fmt(x.transport?.rps ?? NaN, 0),
            withRange(x.ratio, x.ratioRange),
            x.transportRatio === undefined ? "" : withRange(x.transportRatio, x.transportRatioRange!),
            `${fmt(x.ours.cpuMs, 2)} / ${fmt(x.raw.cpuMs, 2)} / ${fmt(x.transport?.cpuMs ?? NaN, 2)}`,
            x.errors,
          ]),
        )
      : mdTable(
          ["search", "ours req/s", "ours p50 / p95 / p99 ms", "raw req/s", "raw p50 / p95 / p99 ms", "ours/raw req/s", "Node CPU ms/req ours / raw", "errors"],
          s.rows.map((x) => [x.title, fmt(x.ours.rps, 0), triple(x.ours), fmt(x.raw.rps, 0), triple(x.raw), withRange(x.ratio, x.ratioRange), `${fmt(x.ours.cpuMs, 2)} / ${fmt(x.raw.cpuMs, 2)}`, x.errors]),
        ),
  ];
  if (s.rssPeakMb) {
    parts.push("", `Peak resident memory of each server process over the whole run (VmHWM): ours ${fmt(s.rssPeakMb.ours, 0)} MB, raw ${fmt(s.rssPeakMb.raw, 0)} MB${s.rssPeakMb.transport === undefined ? "" : `, raw + transport ${fmt(s.rssPeakMb.transport, 0)} MB`}.`);
  }
  if (s.paced) {
    parts.push(
      "",
      `Paced: the same offered rate for both (${s.paced.share} × ours' saturated req/s, evenly spaced), ${s.paced.durationS} s each, one run${s.paced.warmupS ? `, ours and raw in alternating order after an unmeasured ${s.paced.warmupS} s warm-up of the paced driver` : ""}.`,
      "",
      mdTable(
        ["search", "offered req/s", "ours p50 / p95 / p99 ms", "raw p50 / p95 / p99 ms"],
        s.paced.rows.map((x) => [x.title, x.rate, triple(x.ours), triple(x.raw)]),
      ),
    );
  }
  parts.push(
    "",
    `Statements alone (no other load), client round trip, median of ${s.explainRuns ?? 15} (\`search/${s.products >= 1_000_000 ? "explain-1m.txt" : "explain.txt"}\`):`,
    "",
    mdTable(
      ["search", "statement", "median ms", "execution ms"],
      s.statements.map((x) => [x.title, x.role, fmt(x.medianMs, 2), fmt(x.executionMs, 2)]),
      ["l", "l", "r", "r"],
    ),
  );
  return parts.join("\n");
}
