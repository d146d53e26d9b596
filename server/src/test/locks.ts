import type { SqlConnection } from "../db/sql.ts";

/**
 * The sessions of this test's database that are waiting for a lock right now. Ask on a
 * connection outside any transaction: inside one, pg_stat_activity keeps showing the snapshot
 * taken at its first read.
 */
export async function lockWaiters(watcher: SqlConnection): Promise<number> {
  const [row] = await watcher.query<{ n: number }>(
    `SELECT count(*)::int AS "n" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return row?.n ?? 0;
}
