import type { Db } from "../../db/client.ts";
import { TRANSACTION_LIMITS } from "../../lib/transaction.ts";
import type { Metrics } from "../../metrics/metrics.ts";
import type { ImageStore } from "./image-store.ts";
import { startPeriodic, type Periodic } from "../../lib/periodic.ts";

/** Uploads removed per transaction; a run goes on batch after batch while batches come back full. */
const SWEEP_BATCH = 200;

/**
 * Removes uploads that no product image, shop logo or shop banner references and that are older
 * than the grace period (a seller uploads first and saves the product later): the row and the
 * image, from whichever store holds it, so the shop's quota is freed (SECURITY 37). Safe in every
 * process at once: rows are claimed with `FOR UPDATE SKIP LOCKED` and deleted in the same
 * statement, so each is handled by one process only. The images go before the commit, in the same
 * transaction for the database store: a sweep cut half-way leaves rows whose file or object is
 * gone, which the next sweep deletes (a missing image is no error), never an image without a row.
 * Returns the names removed.
 */
export async function sweepUnreferencedUploads(db: Db, store: ImageStore, opts: { graceMs: number; limit?: number }): Promise<string[]> {
  const cutoff = new Date(Date.now() - opts.graceMs);
  return db.$transaction(async (tx) => {
    const removed = await tx.$queryRaw<{ name: string }[]>`
      DELETE FROM "uploads" WHERE "id" IN (
        SELECT u."id" FROM "uploads" u
         WHERE u."created_at" < ${cutoff}
           AND NOT EXISTS (SELECT 1 FROM "product_images" i WHERE i."url" = '/uploads/' || u."name")
           AND NOT EXISTS (SELECT 1 FROM "shops" s WHERE s."logo_url" = '/uploads/' || u."name" OR s."banner_url" = '/uploads/' || u."name")
         ORDER BY u."created_at" LIMIT ${opts.limit ?? SWEEP_BATCH}
         FOR UPDATE OF u SKIP LOCKED)
      RETURNING "name"`;
    const names = removed.map((r) => r.name);
    await store.remove(names, tx);
    return names;
  }, TRANSACTION_LIMITS);
}

/**
 * Removes the images a store holds without an `uploads` row, older than the grace period: an
 * upload whose process died between storing the bytes and recording them (see the route). Only
 * stores that can find them cheaply do (the database store); returns their names.
 */
export async function sweepOrphanedImages(store: ImageStore, opts: { graceMs: number }): Promise<string[]> {
  return (await store.removeOrphans?.(new Date(Date.now() - opts.graceMs))) ?? [];
}

/**
 * Sweeps every `intervalSeconds` (0: never). Each run is counted in the metrics with its outcome,
 * and so are the uploads it removed; a failed run is reported through `onFailure` and run again
 * in a moment (lib/periodic.ts).
 */
export function startUploadSweeper(
  db: Db,
  store: ImageStore,
  opts: { intervalSeconds: number; graceMs: number; metrics: Metrics },
  onFailure: (err: unknown) => void,
): Periodic {
  const { metrics } = opts;
  const sweepAll = async () => {
    try {
      for (;;) {
        const removed = (await sweepUnreferencedUploads(db, store, { graceMs: opts.graceMs })).length;
        metrics.uploadsSwept.inc(removed);
        if (removed < SWEEP_BATCH) break;
      }
      await sweepOrphanedImages(store, { graceMs: opts.graceMs });
    } catch (err) {
      metrics.sweeperRuns.inc({ sweeper: "unused_uploads", outcome: "error" });
      throw err;
    }
    metrics.sweeperRuns.inc({ sweeper: "unused_uploads", outcome: "ok" });
  };
  return startPeriodic(sweepAll, { intervalMs: opts.intervalSeconds * 1000, onFailure });
}
