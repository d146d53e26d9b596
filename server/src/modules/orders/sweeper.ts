import type { Context } from "../../trpc/context.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { cancelSellerOrders } from "./cancellation.ts";

type Deps = Pick<Context, "db" | "deps">;

/**
 * Cancels unpaid orders whose hold has expired and gives their stock back. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several server processes sweeping at once never handle the same
 * order, and the status compare-and-set inside makes a late payment and the sweeper exclusive.
 */
export async function sweepExpiredOrders(ctx: Deps, limit = 50): Promise<number> {
  return inTransaction(ctx, async (tx, events) => {
    const expired = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "orders"
       WHERE "status" = 'PENDING_PAYMENT' AND "expires_at" < now()
       ORDER BY "expires_at" LIMIT ${limit}
       FOR UPDATE SKIP LOCKED`;
    for (const { id } of expired) {
      const sellerOrders = await tx.sellerOrder.findMany({ where: { orderId: id }, select: { id: true } });
      await cancelSellerOrders(tx, events, { orderId: id, sellerOrderIds: sellerOrders.map((s) => s.id), actorId: null, actorName: "The marketplace", reason: "not paid in time" });
    }
    return expired.length;
  });
}

/** Runs the sweeper every `intervalSeconds` (0: never); returns a function that stops it. */
export function startSweeper(ctx: Deps, intervalSeconds: number, onError: (err: unknown) => void): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpiredOrders(ctx)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
