import type { Scope } from "../../scope.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { cancelSellerOrders, settleWithProvider } from "./cancellation.ts";
import { lockOrder } from "./order-lock.ts";
import { startPeriodic, type Periodic } from "../../lib/periodic.ts";

type Deps = Pick<Scope, "db" | "deps">;

export interface SweepOptions {
  /** Orders looked at in one sweep. */
  limit?: number;
  /** Told of an order that could not be cancelled; the sweep goes on with the others. */
  onError?: (err: unknown, orderId: string) => void;
}

/**
 * Cancels unpaid orders whose hold has expired and gives their stock back, each order in a
 * transaction of its own: one order that cannot be cancelled is reported and left for the next
 * sweep, and never holds back the others. Each is claimed with `FOR UPDATE SKIP LOCKED`, so
 * several server processes sweeping at once never handle the same order, and a payment landing
 * at that moment waits for the order's lock (or the sweeper skips it). Parts already cancelled
 * (a shop cancelled its part before payment) are left as they are.
 */
export async function sweepExpiredOrders(ctx: Deps, opts: SweepOptions = {}): Promise<number> {
  const due = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "orders"
     WHERE "status" = 'PENDING_PAYMENT' AND "expires_at" < now()
     ORDER BY "expires_at" LIMIT ${opts.limit ?? 50}`;
  let cancelled = 0;
  for (const { id } of due) {
    try {
      const followUp = await inTransaction(ctx, async (tx, events) => {
        const order = await lockOrder(tx, id, { skipLocked: true });
        if (!order || order.status !== "PENDING_PAYMENT") return null;
        const parts = await tx.sellerOrder.findMany({ where: { orderId: id, status: "PENDING_PAYMENT" }, select: { id: true } });
        return cancelSellerOrders(tx, events, { orderId: id, sellerOrderIds: parts.map((s) => s.id), actorId: null, actorName: "The marketplace", reason: "not paid in time", expired: true });
      });
      if (!followUp) continue;
      cancelled += 1;
      await settleWithProvider(ctx, id, followUp);
    } catch (err) {
      opts.onError?.(err, id);
    }
  }
  return cancelled;
}

/**
 * Runs the sweeper every `intervalSeconds` (0: never). Each run is counted in the metrics with its
 * outcome (error: the run failed, or an order in it could not be cancelled), and so are the orders
 * it cancelled. A run that failed, or left an order it could not cancel, is reported through
 * `onFailure` and run again in a moment (lib/periodic.ts): after a lost database connection the
 * expired orders are cancelled right after it, not an interval later.
 */
export function startSweeper(ctx: Deps, intervalSeconds: number, onFailure: (err: unknown, orderId?: string) => void): Periodic {
  const { metrics } = ctx.deps;
  const sweep = async () => {
    const failed: string[] = [];
    let cancelled: number;
    try {
      cancelled = await sweepExpiredOrders(ctx, {
        onError: (err, orderId) => {
          failed.push(orderId);
          onFailure(err, orderId);
        },
      });
    } catch (err) {
      metrics.sweeperRuns.inc({ sweeper: "expired_orders", outcome: "error" });
      throw err;
    }
    metrics.ordersSwept.inc(cancelled);
    metrics.sweeperRuns.inc({ sweeper: "expired_orders", outcome: failed.length ? "error" : "ok" });
    if (failed.length) throw new Error(`${failed.length} expired order(s) left for the next run`);
  };
  return startPeriodic(sweep, { intervalMs: intervalSeconds * 1000, onFailure: (err) => onFailure(err) });
}
