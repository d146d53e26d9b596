import { startPeriodic, type Periodic } from "../../lib/periodic.ts";
import { holdCutoff, shopsWithPayables } from "./balances.ts";
import type { PayoutDeps } from "./payout-deps.ts";
import { executeReversal, executeTransfer, planShopTransfers, type ExecuteOptions, type TransferOutcome } from "./transfers.ts";

export interface PayoutRound {
  paid: number;
  failed: number;
  reversed: number;
  /** Left for a later round (the provider did not answer, or another worker holds the row). */
  deferred: number;
}

/**
 * One payout round, safe to run in several processes at once: reversals and transfers left
 * PENDING by an earlier round (a crash, a timeout) are asked again with their same keys, then
 * every shop with seller orders out of their hold gets its transfers planned and made.
 * `now` is the round's clock (tests move it; the hold and the leases are measured with it).
 */
export async function runPayoutRound(ctx: PayoutDeps, opts: { now?: Date; holdDays: number; afterProviderAnswer?: ExecuteOptions["afterProviderAnswer"] }): Promise<PayoutRound> {
  const now = opts.now ?? new Date();
  const exec: ExecuteOptions = { now, afterProviderAnswer: opts.afterProviderAnswer };
  const round: PayoutRound = { paid: 0, failed: 0, reversed: 0, deferred: 0 };
  const count = (outcome: TransferOutcome, paid: "paid" | "reversed") => {
    if (outcome === "PAID") round[paid] += 1;
    else if (outcome === "FAILED") round.failed += 1;
    else round.deferred += 1;
  };
  const reversals = await ctx.db.payoutTransfer.findMany({ where: { reversalStatus: "PENDING" }, select: { id: true }, orderBy: { id: "asc" }, take: 100 });
  for (const r of reversals) count(await executeReversal(ctx, r.id, exec), "reversed");
  const leftOver = await ctx.db.payoutTransfer.findMany({ where: { status: "PENDING" }, select: { id: true }, orderBy: { id: "asc" }, take: 100 });
  for (const t of leftOver) count(await executeTransfer(ctx, t.id, exec), "paid");
  const cutoff = holdCutoff(now, opts.holdDays);
  for (const shopId of await shopsWithPayables(ctx.db, cutoff)) {
    for (const id of await planShopTransfers(ctx, shopId, cutoff)) count(await executeTransfer(ctx, id, exec), "paid");
  }
  return round;
}

/**
 * Every server process runs one: a round every `intervalSeconds` (0: never, tests run rounds by
 * hand). Stopping waits for a round under way, so the database is not closed under it; a failed
 * round is retried soon (lib/periodic.ts).
 */
export function startPayoutWorker(ctx: PayoutDeps, opts: { intervalSeconds: number; holdDays: number }, onFailure: (err: unknown) => void): Periodic {
  return startPeriodic(
    async () => {
      await runPayoutRound(ctx, { holdDays: opts.holdDays });
    },
    { intervalMs: opts.intervalSeconds * 1000, onFailure },
  );
}
