import type { Db } from "../../db/client.ts";
import type { Scope } from "../../scope.ts";
import type { DoctorCheck } from "./check.ts";
import { doctorChecks } from "./checks.ts";

/** How many offending ids a report carries per check (the count is always whole). */
export const FIRST_OFFENDING = 10;

/** How long the doctor's snapshot may stay open, and one of its statements run. */
const DOCTOR_LIMITS = { maxWait: 10_000, timeout: 300_000, statementMs: 120_000 } as const;

export interface CheckReport {
  name: string;
  description: string;
  ok: boolean;
  checked: number;
  offendingCount: number;
  /** The first FIRST_OFFENDING offending ids, in id order. */
  offending: string[];
  /** Set when the check itself failed (its statement errored): it counts as failed. */
  error: string | null;
  ms: number;
}

export interface DoctorReport {
  ok: boolean;
  /** The snapshot's own clock (the transaction's start): what the checks saw. */
  snapshotAt: Date;
  ms: number;
  checks: CheckReport[];
}

/**
 * Runs the checks in one REPEATABLE READ READ ONLY transaction: one snapshot for all of them (a
 * checkout committing meanwhile is wholly in it or wholly out of it, on every table), and no
 * write can happen even by mistake. Reads take no lock that blocks a writer, so it is safe on a
 * live database. A check whose statement fails is reported failed (rolled back to a savepoint, so
 * the others still run).
 */
export async function runChecks(db: Db, checks: DoctorCheck[]): Promise<DoctorReport> {
  const startedAt = performance.now();
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${DOCTOR_LIMITS.statementMs}`);
      const [snapshot] = await tx.$queryRaw<{ at: Date }[]>`SELECT now() AS "at"`;
      const reports: CheckReport[] = [];
      for (const check of checks) {
        const began = performance.now();
        await tx.$executeRawUnsafe("SAVEPOINT doctor_check");
        let report: Omit<CheckReport, "ms">;
        try {
          const { checked, offending } = await check.run(tx);
          report = { name: check.name, description: check.description, ok: offending.length === 0, checked, offendingCount: offending.length, offending: offending.slice(0, FIRST_OFFENDING), error: null };
          await tx.$executeRawUnsafe("RELEASE SAVEPOINT doctor_check");
        } catch (err) {
          await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT doctor_check");
          report = { name: check.name, description: check.description, ok: false, checked: 0, offendingCount: 0, offending: [], error: (err as Error).message };
        }
        reports.push({ ...report, ms: Math.round(performance.now() - began) });
      }
      return { ok: reports.every((r) => r.ok), snapshotAt: snapshot!.at, ms: Math.round(performance.now() - startedAt), checks: reports };
    },
    { maxWait: DOCTOR_LIMITS.maxWait, timeout: DOCTOR_LIMITS.timeout },
  );
}

const running = new WeakMap<Db, Promise<DoctorReport>>();

/**
 * `admin.doctor`: the configured checks on the server's database. Calls made while a run is under
 * way share it, so a double click (or several admins) never stacks full scans on a live database.
 */
export function runDoctor(ctx: Pick<Scope, "db" | "deps">): Promise<DoctorReport> {
  const current = running.get(ctx.db);
  if (current) return current;
  const run = runChecks(ctx.db, doctorChecks({ sweepIntervalSeconds: ctx.deps.config.SWEEP_INTERVAL_SECONDS })).finally(() => running.delete(ctx.db));
  running.set(ctx.db, run);
  return run;
}

/** The report as an operator reads it in a terminal: one block per check, then the verdict. */
export function formatReport(report: DoctorReport): string {
  const lines = [`doctor: snapshot at ${report.snapshotAt.toISOString()}, ${report.checks.length} checks in ${report.ms} ms`];
  for (const c of report.checks) {
    const verdict = c.error ? "ERROR" : c.ok ? "ok" : "FAIL";
    lines.push(`${verdict.padEnd(5)} ${c.name}: ${c.checked} checked, ${c.offendingCount} offending (${c.ms} ms)`);
    lines.push(`      ${c.description}`);
    if (c.error) lines.push(`      error: ${c.error}`);
    if (c.offendingCount) lines.push(`      first offending: ${c.offending.join(", ")}${c.offendingCount > c.offending.length ? ", …" : ""}`);
  }
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  lines.push(failed.length ? `doctor: FAILED (${failed.join(", ")})` : "doctor: all checks passed");
  return lines.join("\n");
}
