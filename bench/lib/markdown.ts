/** Markdown for the generated tables of bench/README.md. */
import { fmt } from "./stats.ts";

export { fmt };

/** A table; `align` per column: "l" or "r" (default "r" except the first column). */
export function mdTable(columns: string[], rows: (string | number)[][], align?: ("l" | "r")[]): string {
  const a = align ?? columns.map((_, i) => (i === 0 ? "l" : "r"));
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(columns), line(a.map((x) => (x === "l" ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** "p50 / p95 / p99" in ms. */
export const triple = (x: { p50: number; p95: number; p99: number }) => `${fmt(x.p50)} / ${fmt(x.p95)} / ${fmt(x.p99)}`;

/** A median with its range over rounds: "0.77 (0.65–0.79)". */
export const withRange = (median: number, range: [number, number], digits = 2) => `${fmt(median, digits)} (${fmt(range[0], digits)}–${fmt(range[1], digits)})`;

export const loadAverage = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
