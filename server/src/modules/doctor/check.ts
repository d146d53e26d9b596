import { Prisma } from "../../generated/prisma/client.ts";

/** What one check found: how many rows it looked at, and the ids of those that break its rule. */
export interface CheckOutcome {
  checked: number;
  offending: string[];
}

/**
 * One consistency check of `pnpm doctor` and `admin.doctor`. `run` only reads, inside the
 * doctor's REPEATABLE READ READ ONLY transaction (doctor.service.ts), so every check sees the
 * same snapshot and none can write.
 */
export interface DoctorCheck {
  /** Short and stable (kebab-case): what an operator greps the output for. */
  name: string;
  /** The rule, in one sentence. */
  description: string;
  run(tx: Prisma.TransactionClient): Promise<CheckOutcome>;
}

/**
 * Runs `rows`, a statement giving one row per thing checked (`id` text, `ok` boolean), as one
 * aggregate: the number of rows and the ids of those not ok, in id order. Most checks are this.
 */
export async function tally(tx: Prisma.TransactionClient, rows: Prisma.Sql): Promise<CheckOutcome> {
  const [result] = await tx.$queryRaw<{ checked: number; offending: string[] | null }[]>(Prisma.sql`
    SELECT count(*)::int AS "checked",
           array_agg("id" ORDER BY "id") FILTER (WHERE "ok" IS NOT TRUE) AS "offending"
      FROM (${rows}) AS "rows"`);
  return { checked: result?.checked ?? 0, offending: result?.offending ?? [] };
}
