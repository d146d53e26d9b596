import { mdTable as table } from "../lib/markdown.ts";
import type { ResultsFile } from "../lib/results.ts";

type Outcome = "ok" | "domain" | "server-error" | "unavailable" | "network";

export interface SoakSummary {
  minutes: number;
  loadSeconds: number;
  requests: number;
  requestsPerSecond: number;
  byPhase: Record<"steady" | "restart" | "db-kill", Record<Outcome, number>>;
  byAction: Record<string, Record<Outcome, number>>;
  unexpectedSteady: number;
  checkouts: { answered: number; found: number; placed: number; retried: number; keyConflicts: number };
  orderStatuses: Record<string, number>;
  stockMovements: Record<string, number>;
  sockets: { opened: number; failedToOpen: number; disconnects: Record<string, number>; reconnects: number; connectedAtEnd: number; events: Record<string, number>; longestAwayMs: number };
  faults: Record<string, unknown>;
  exitCodes: Record<string, number | null>;
  memoryMiB: { first: { A: number | null; B: number | null } | null; last: { A: number | null; B: number | null } | null };
  /** Server B (never restarted): resident size and JavaScript heap in use, at the first sample, their highest, and at the last (absent in runs before it was sampled). */
  memoryB?: { rss: { first: number | null; peak: number | null; last: number | null }; heap: { first: number | null; peak: number | null; last: number | null } };
  doctor: { exitCode: number | null; ok: boolean; checks: { name: string; checked: number; offending: number; error: string | null }[] };
}

const OUTCOMES: Outcome[] = ["ok", "domain", "server-error", "unavailable", "network"];

/** bench/README.md's soak block: requests by phase and outcome, the checkouts, the sockets, and the doctor's checks. */
export function renderSoak(r: ResultsFile<SoakSummary>): string {
  const s = r.summary;
  const c = s.checkouts;
  const phases = table(
    ["phase", ...OUTCOMES],
    (["steady", "restart", "db-kill"] as const).map((p) => [p, ...OUTCOMES.map((o) => String(s.byPhase[p][o]))]),
  );
  const doctor = table(["check", "checked", "offending"], s.doctor.checks.map((k) => [k.name, String(k.checked), k.error ? `error: ${k.error}` : String(k.offending)]));
  const restart = s.faults.restart as { exitCode: number | null; stopMs: number; backUpMs: number } | undefined;
  const dbKill = s.faults.dbKill as { terminated: number } | undefined;
  return [
    `${s.requests} requests in ${s.loadSeconds} s (${s.requestsPerSecond}/s) over two processes. "domain" answers are the expected 4xx (out of stock, an empty cart, an order already cancelled…); the faults' windows are the restart (SIGTERM to A until 5 s after it is ready again) and the 10 s after every database connection was killed.`,
    "",
    phases,
    "",
    `Faults: server A exited ${restart?.exitCode ?? "?"} ${restart?.stopMs ?? "?"} ms after SIGTERM and was ready again after ${restart?.backUpMs ?? "?"} ms; ${dbKill?.terminated ?? "?"} database connections terminated. ` +
      `Checkouts: ${c.answered} answered with an order, ${c.found} of them in the database, ${c.placed} soak orders in all (a checkout whose answer was lost still placed its order), ${c.retried} retried with the same key, ${c.keyConflicts} keys with two orders. ` +
      `Sockets: ${s.sockets.opened} opened, disconnects ${JSON.stringify(s.sockets.disconnects)}, ${s.sockets.reconnects} reconnects (longest away ${s.sockets.longestAwayMs} ms), ${s.sockets.connectedAtEnd} connected at the end. ` +
      `Memory (RSS, MiB) A ${s.memoryMiB.first?.A ?? "?"} → ${s.memoryMiB.last?.A ?? "?"} (restarted), B ${s.memoryMiB.first?.B ?? "?"} → ${s.memoryMiB.last?.B ?? "?"}` +
      (s.memoryB
        ? `; B first / peak / last: RSS ${s.memoryB.rss.first} / ${s.memoryB.rss.peak} / ${s.memoryB.rss.last}, JavaScript heap in use ${s.memoryB.heap.first} / ${s.memoryB.heap.peak} / ${s.memoryB.heap.last}.`
        : "."),
    "",
    `\`pnpm doctor\` at the end: exit ${s.doctor.exitCode}, ${s.doctor.ok ? "every check passed" : "**FAILED**"}.`,
    "",
    doctor,
  ].join("\n");
}
