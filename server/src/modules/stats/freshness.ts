import type { Db } from "../../db/client.ts";
import { refreshRollups } from "./rollup-rebuilder.ts";

/** A dashboard may show rollups that miss at most this much of the latest changes. */
export const STALE_AFTER_MS = 2_000;

const inFlight = new WeakMap<Db, Promise<unknown>>();
/** Until when this process knows the rollups of a time zone to be current (no read needed). */
const knownFresh = new WeakMap<Db, { timeZone: string; until: number }>();

/**
 * A dashboard shows an order paid a moment ago, at the cost of at most one small read per
 * STALE_AFTER_MS per process:
 * - within STALE_AFTER_MS of the last time this process found the rollups current, nothing is read;
 * - otherwise one statement reads the rebuilder's state and whether any order, seller order or
 *   ledger entry was written since its watermark (the latest of each: three index probes).
 *   Nothing new: current.
 * - something new (or no watermark, or another time zone): one incremental run is made first (the
 *   requests of this process share it; while another process holds the rebuilder's lock it is
 *   skipped at once). A transaction that wrote before the watermark and committed after it is
 *   not seen by the probe; the rebuilder's own rounds (their overlap) bring it in.
 */
export async function refreshIfStale(db: Db, timeZone: string): Promise<void> {
  const known = knownFresh.get(db);
  if (known && known.timeZone === timeZone && Date.now() < known.until) return;
  const checkedAt = Date.now();
  // The latest write of each source against the watermark: max() is one backward step of the
  // column's index whatever the watermark. (`EXISTS (… WHERE col >= watermark)` was planned as a
  // sequential scan of each table: the planner guesses a third of the rows match an unknown value,
  // so it expects a match within the first rows; at a million orders that read 400 MB, 0.5 s.)
  const [state] = await db.$queryRaw<{ timeZone: string; watermark: Date | null; changed: boolean }[]>`
    SELECT s."time_zone" AS "timeZone", s."watermark",
           coalesce((SELECT max("updated_at") FROM "seller_orders") >= s."watermark"
                    OR (SELECT max("created_at") FROM "ledger_entries") >= s."watermark"
                    OR (SELECT max("paid_at") FROM "orders") >= s."watermark", false) AS "changed"
      FROM "stats_rollup_state" s WHERE s."id" = 1`;
  const current = state?.watermark && state.timeZone === timeZone && (!state.changed || checkedAt - state.watermark.getTime() < STALE_AFTER_MS);
  if (!current) {
    let run = inFlight.get(db);
    if (!run) {
      run = refreshRollups(db, timeZone).finally(() => inFlight.delete(db));
      inFlight.set(db, run);
    }
    await run;
  }
  knownFresh.set(db, { timeZone, until: checkedAt + STALE_AFTER_MS });
}
