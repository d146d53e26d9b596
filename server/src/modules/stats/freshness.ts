import type { Db } from "../../db/client.ts";
import { refreshRollups } from "./rollup-rebuilder.ts";

/** Rollups older than this are brought up to date before a dashboard reads them. */
export const STALE_AFTER_MS = 2_000;

const inFlight = new WeakMap<Db, Promise<unknown>>();

/**
 * A dashboard shows an order paid a moment ago: when the last rollup run is older than
 * STALE_AFTER_MS, one incremental run is made first (a few rows; the requests of this process
 * share it, and while another process holds the rebuilder's lock it is skipped at once).
 */
export async function refreshIfStale(db: Db, timeZone: string): Promise<void> {
  const state = await db.statsRollupState.findUnique({ where: { id: 1 }, select: { watermark: true, timeZone: true } });
  if (state?.watermark && state.timeZone === timeZone && Date.now() - state.watermark.getTime() < STALE_AFTER_MS) return;
  let run = inFlight.get(db);
  if (!run) {
    run = refreshRollups(db, timeZone).finally(() => inFlight.delete(db));
    inFlight.set(db, run);
  }
  await run;
}
