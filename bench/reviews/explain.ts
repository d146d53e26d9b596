/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements each benchmarked list call runs, with their time
 * alone (no other load): written to bench/reviews/explain.txt and summarised in the run's output.
 */
import { writeFileSync } from "node:fs";
import type pg from "pg";
import type { BenchCase } from "./cases.ts";
import { listStatements, type ListInput, type Statement } from "./statements.ts";
import { fmt, median, percentile, sortedCopy } from "../lib/stats.ts";

export interface ExplainSummary {
  key: string;
  role: string;
  /** Client-side round trip of the statement alone, ms. */
  medianMs: number;
  p90Ms: number;
  planningMs: number;
  executionMs: number;
  sharedHit: number;
  sharedRead: number;
}

const WARM = 3;
const TIMED = 15;

export async function explainAll(
  pool: pg.Pool,
  cases: BenchCase[],
  file: string,
  header: string[],
  log: (msg: string) => void,
  statementsOf: (input: ListInput) => { role: string; statement: Statement }[] = (input) => {
    const st = listStatements(input);
    return [
      { role: "product visible", statement: st.visible },
      { role: "page", statement: st.page },
      ...(st.figures ? [{ role: "figures", statement: st.figures }] : []),
    ];
  },
): Promise<ExplainSummary[]> {
  const out: string[] = [...header.map((l) => `# ${l}`), ""];
  const summaries: ExplainSummary[] = [];
  for (const c of cases) {
    const statements = statementsOf(c.input as unknown as ListInput);
    out.push("=".repeat(100), c.title, `input: ${JSON.stringify(c.input)}`);
    for (const [i, { role, statement }] of statements.entries()) {
      for (let k = 0; k < WARM; k++) await pool.query(statement.text, statement.values);
      const times: number[] = [];
      for (let k = 0; k < TIMED; k++) {
        const t = performance.now();
        await pool.query(statement.text, statement.values);
        times.push(performance.now() - t);
      }
      const plan = (await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values)).rows.map((r) => r["QUERY PLAN"]);
      const num = (label: string) => Number(/([\d.]+) ms/.exec(plan.find((l) => l.trim().startsWith(label)) ?? "")?.[1] ?? NaN);
      const top = plan.find((l) => l.includes("Buffers:")) ?? "";
      const s: ExplainSummary = {
        key: c.key,
        role,
        medianMs: median(times),
        p90Ms: percentile(sortedCopy(times), 90),
        planningMs: num("Planning Time"),
        executionMs: num("Execution Time"),
        sharedHit: Number(/shared hit=(\d+)/.exec(top)?.[1] ?? 0),
        sharedRead: Number(/read=(\d+)/.exec(top)?.[1] ?? 0),
      };
      summaries.push(s);
      log(`explain ${c.key} ${role}: ${fmt(s.medianMs, 2)} ms alone (execution ${fmt(s.executionMs, 2)}, planning ${fmt(s.planningMs, 2)}, buffers hit ${s.sharedHit})`);
      out.push(
        "-".repeat(100),
        `statement ${i + 1}/${statements.length}: ${role}`,
        `alone, ${TIMED} runs: median ${fmt(s.medianMs, 2)} ms, p90 ${fmt(s.p90Ms, 2)} ms (client round trip)`,
        `parameters: ${JSON.stringify(statement.values)}`,
        "",
        ...plan,
        "",
        "SQL:",
        statement.text.replace(/^\n+/, ""),
        "",
      );
    }
  }
  writeFileSync(file, `${out.join("\n")}\n`);
  return summaries;
}
