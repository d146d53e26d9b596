/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements each search runs, with their time alone (no
 * other load): written to bench/search/explain.txt and summarised in the run's output.
 */
import { writeFileSync } from "node:fs";
import type pg from "pg";
import { capture, type BenchQuery } from "./queries.ts";
import { fmt, median, sortedCopy, percentile } from "../lib/stats.ts";

export interface ExplainSummary {
  key: string;
  title: string;
  role: string;
  /** Client-side round trip of the statement alone, ms. */
  medianMs: number;
  p90Ms: number;
  planningMs: number;
  executionMs: number;
  jit: boolean;
}

export async function explainAll(
  pool: pg.Pool,
  queries: BenchQuery[],
  file: string,
  header: string[],
  log: (msg: string) => void,
  runs: { warm: number; timed: number } = { warm: 3, timed: 15 },
): Promise<ExplainSummary[]> {
  const { warm: WARM, timed: TIMED } = runs;
  const out: string[] = [...header.map((l) => `# ${l}`), ""];
  const summaries: ExplainSummary[] = [];
  for (const q of queries) {
    const statements = await capture(pool, q.input);
    out.push("=".repeat(100), `${q.title}${q.load ? "" : "   (explained only, not load-tested)"}`, `input: ${JSON.stringify(q.input)}`);
    for (const [i, { role, statement }] of statements.entries()) {
      const values = statement.values as unknown[];
      for (let k = 0; k < WARM; k++) await pool.query(statement.text, values);
      const times: number[] = [];
      for (let k = 0; k < TIMED; k++) {
        const t = performance.now();
        await pool.query(statement.text, values);
        times.push(performance.now() - t);
      }
      const plan = (await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, values)).rows.map((r) => r["QUERY PLAN"]);
      const num = (label: string) => Number(/([\d.]+) ms/.exec(plan.find((l) => l.startsWith(label)) ?? "")?.[1] ?? NaN);
      const s: ExplainSummary = {
        key: q.key,
        title: q.title,
        role: statements.length > 1 && role === "facets" ? "facets (cached: once per TTL per filter set)" : role,
        medianMs: median(times),
        p90Ms: percentile(sortedCopy(times), 90),
        planningMs: num("Planning Time"),
        executionMs: num("Execution Time"),
        jit: plan.some((l) => l.startsWith("JIT:")),
      };
      summaries.push(s);
      log(`explain ${q.key} ${s.role}: ${fmt(s.medianMs, 2)} ms alone (execution ${fmt(s.executionMs, 2)}, planning ${fmt(s.planningMs, 2)})`);
      out.push(
        "-".repeat(100),
        `statement ${i + 1}/${statements.length}: ${s.role}`,
        `alone, ${TIMED} runs: median ${fmt(s.medianMs, 2)} ms, p90 ${fmt(s.p90Ms, 2)} ms (client round trip)`,
        `parameters: ${JSON.stringify(values)}`,
        "",
        ...plan,
        "",
      );
      if (q.load) out.push("SQL:", statement.text.replace(/^\n+/, ""), "");
    }
  }
  writeFileSync(file, `${out.join("\n")}\n`);
  return summaries;
}
