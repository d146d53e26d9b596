import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable, withRange } from "../lib/markdown.ts";

/** What a reviews run keeps as its summary (medians over rounds, ratios of the same round), and its tables. */
export interface ReviewsSummary {
  reviews: number;
  connections: number;
  durationS: number;
  rounds: number;
  lists: {
    key: string;
    title: string;
    ours: { rps: number; p50: number; p99: number; cpuMs: number };
    raw: { rps: number; p50: number; p99: number; cpuMs: number };
    ratio: number;
    ratioRange: [number, number];
  }[];
  writers: number;
  writeRounds: number;
  writes: {
    server: "ours" | "raw";
    reviewsPerS: number;
    p50: number;
    p95: number;
    p99: number;
    ok: number;
    failed: number;
    cpuMsPerReview: number;
    mismatches: number;
    countsHold: boolean;
  }[];
  /** ours/raw reviews/s over the measured rounds; null without writes. */
  writeRatio: number | null;
  /** PostgreSQL deadlocks in the database during the writes; null without writes. */
  deadlocks: number | null;
  rawSkips: string[];
}

export function renderReviews(r: ResultsFile<ReviewsSummary>): string {
  const s = r.summary;
  const parts: string[] = [];
  if (s.lists.length) {
    parts.push(
      `Lists (\`review.listProduct\`, a product with ${s.reviews.toLocaleString("en")} reviews, anonymous, 10 a page): autocannon, ${s.connections} connections, ` +
        `${s.durationS} s per case per server, ours and raw back to back, ${s.rounds} round(s); medians over rounds, the ratio's range over rounds in parentheses.`,
      "",
      mdTable(
        ["review.listProduct", "ours req/s", "ours p50 / p99 ms", "raw req/s", "raw p50 / p99 ms", "ours/raw req/s", "Node CPU ms/req ours / raw"],
        s.lists.map((x) => [x.title, fmt(x.ours.rps, 0), `${fmt(x.ours.p50)} / ${fmt(x.ours.p99)}`, fmt(x.raw.rps, 0), `${fmt(x.raw.p50)} / ${fmt(x.raw.p99)}`, withRange(x.ratio, x.ratioRange), `${fmt(x.ours.cpuMs, 2)} / ${fmt(x.raw.cpuMs, 2)}`]),
      ),
    );
  }
  if (s.writes.length) {
    parts.push(
      "",
      `Writes: ${s.writers} buyers at once each create one review of the product, ${s.writeRounds} measured round(s) per server (fresh buyers every round, ours and raw alternating); ` +
        `latency pooled over the rounds, throughput = reviews / wall time.`,
      "",
      mdTable(
        ["server", "reviews/s", "p50 / p95 / p99 ms", "ok / failed", "server CPU ms/review", "figure mismatches", "visible reviews = seeded + 200s = rating_count"],
        s.writes.map((x) => [x.server, fmt(x.reviewsPerS, 0), `${fmt(x.p50, 0)} / ${fmt(x.p95, 0)} / ${fmt(x.p99, 0)}`, `${x.ok} / ${x.failed}`, fmt(x.cpuMsPerReview, 2), x.mismatches, x.countsHold ? "yes, every round" : "NO"]),
      ),
      "",
      `ours/raw reviews/s: **${fmt(s.writeRatio, 2)}**; PostgreSQL deadlocks during the writes: **${s.deadlocks ?? "–"}**.`,
    );
  }
  parts.push("", "Raw runs the same statements in the same order; what it skips:", "", ...s.rawSkips.map((x) => `- ${x}`));
  return parts.join("\n");
}
