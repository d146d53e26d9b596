import path from "node:path";
import { renderCheckout, type CheckoutSummary } from "../checkout/report.ts";
import { loadAverage } from "../lib/markdown.ts";
import { BENCHMARKS, latestResults, resultsDir, type BenchmarkName, type ResultsFile } from "../lib/results.ts";
import { renderRealtime, type RealtimeSummary } from "../realtime/report.ts";
import { renderReviews, type ReviewsSummary } from "../reviews/report.ts";
import { renderSearch, type SearchSummary } from "../search/report.ts";
import { renderOverhead, type OverheadSummary } from "../search/overhead-report.ts";
import { renderSoak, type SoakSummary } from "../soak/report.ts";
import { renderSsr, type SsrSummary } from "../ssr/report.ts";
import { renderStats, type StatsSummary } from "../stats/report.ts";

/**
 * bench/README.md's generated parts: for each benchmark, its newest results file under
 * bench/results/ rendered as its tables, under a line saying where the figures come from (file,
 * date, commit, machine, load average, parameters).
 */

const RENDERERS: { [K in BenchmarkName]: (r: ResultsFile<never>) => string } = {
  search: (r) => renderSearch(r as ResultsFile<SearchSummary>),
  search1m: (r) => renderSearch(r as ResultsFile<SearchSummary>),
  overhead: (r) => renderOverhead(r as ResultsFile<OverheadSummary>),
  checkout: (r) => renderCheckout(r as ResultsFile<CheckoutSummary>),
  reviews: (r) => renderReviews(r as ResultsFile<ReviewsSummary>),
  realtime: (r) => renderRealtime(r as ResultsFile<RealtimeSummary>),
  realtimeRedis: (r) => renderRealtime(r as ResultsFile<RealtimeSummary>),
  soak: (r) => renderSoak(r as ResultsFile<SoakSummary>),
  stats: (r) => renderStats(r as ResultsFile<StatsSummary>),
  ssr: (r) => renderSsr(r as ResultsFile<SsrSummary>),
};

/** Where a results file's figures come from, in one paragraph. */
export function provenance(file: string, r: ResultsFile): string {
  const m = r.machine;
  const params = Object.entries(r.parameters)
    .filter(([, v]) => v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  return (
    `*Generated from \`results/${path.basename(file)}\`* (run started ${r.date.replace("T", " ").replace(/\.\d+Z$/, " UTC")}, ${r.durationS} s; ` +
    `commit \`${r.commit.slice(0, 10)}\`${r.dirty ? " with uncommitted changes" : ""}). Machine: ${m.cores} cores (${m.cpuModel}), ${m.memGiB} GiB, ` +
    `Node ${m.node}${m.postgres ? `, PostgreSQL ${m.postgres.split(" ")[0]}` : ""}; **load average (1/5/15 min) ${loadAverage(m.loadAverageStart)} at the start, ` +
    `${loadAverage(m.loadAverageEnd)} at the end**: the machine is shared, so compare ours with raw within one run, not across runs. Parameters: \`${params}\`.`
  );
}

/** The generated block of every benchmark, from the newest results file in `dir`. */
export function renderBlocks(dir = resultsDir): Record<BenchmarkName, string> {
  const out = {} as Record<BenchmarkName, string>;
  for (const name of BENCHMARKS) {
    const latest = latestResults(name, dir);
    out[name] = latest ? `${provenance(latest.file, latest.results)}\n\n${RENDERERS[name](latest.results as ResultsFile<never>)}` : "*No results file yet: run the benchmark.*";
  }
  return out;
}
