import type { Db, Tx } from "../db/client.ts";
import { isLostConnection, isNeverSent, isTransactionExpired, isTransactionStartTimeout, isWriteConflict } from "../db/errors.ts";
import { DomainError } from "./errors.ts";
import { EventBuffer, type EventSink } from "./events.ts";

/** The counters a transaction reports to (the server's Prometheus instruments, metrics/metrics.ts). */
export interface TransactionCounters {
  conflictRetries: { inc(): void };
  /** Transactions run again because their connection was lost before their commit. */
  lostConnectionRetries: { inc(): void };
  transactionStartTimeouts: { inc(): void };
  /** Transactions rolled back for running past TRANSACTION_LIMITS.timeout. */
  transactionTimeouts: { inc(): void };
}

/** What a transaction is given: the database, where its events go after the commit, its counters. */
export interface TransactionScope {
  db: Db;
  deps: { sink: EventSink; metrics: TransactionCounters };
}

/**
 * How long a transaction may wait for a pooled connection, and run. Prisma's defaults (2 s, 5 s)
 * turn a burst of checkouts queued on the pool into failures; past these, the request is answered
 * SERVICE_UNAVAILABLE, which a client may retry (a checkout safely, with its idempotency key).
 */
export const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/** Dead pooled connections a transaction may meet at its BEGIN before the error is let through. */
const DEAD_AT_START_ATTEMPTS = 10;

/**
 * Runs of a transaction after the first whose connection was lost during `work`, before the error
 * is let through. More than one: a failover ends every connection at once, and a backend may take
 * its end only after the re-run's BEGIN has reached it (seen in CI: the re-run's next statement
 * found its connection dead). Not more: an outage must not turn into a retry storm.
 */
export const LOST_CONNECTION_RERUNS = 2;

/** Runs of a transaction PostgreSQL aborted to break a deadlock, before the error is let through. */
export const WRITE_CONFLICT_ATTEMPTS = 3;

/**
 * Runs `work` in one database transaction and publishes the events it collected only after the
 * commit: a rolled-back transaction emits nothing. A transaction PostgreSQL aborted to break a
 * deadlock or a serialization conflict (rare: e.g. two checkouts emptying variants of the same two
 * products in opposite order, whose product figures are updated at commit) is run again from the
 * start, so `work` must only touch the database and its event buffer.
 *
 * A transaction whose connection was lost (a failover, a pooler restart, an administrator ending
 * backends) before its commit was sent is run again (at most LOST_CONNECTION_RERUNS times), on
 * another connection, after a short pause in which the pool meets the failover's other dead
 * connections: PostgreSQL rolled it back, so nothing of the cut run is kept. So is one whose
 * COMMIT was never sent because its connection had already failed (pg refuses to send on such a
 * connection: the server ended the backend while `work` finished, and the transaction died with
 * it). One lost while its COMMIT was
 * on the way is not: whether it committed is unknown, and the error goes to the caller.
 */
export async function inTransaction<T>(
  ctx: TransactionScope,
  work: (tx: Tx, events: EventBuffer) => Promise<T>,
): Promise<T> {
  let lostConnectionReruns = 0;
  let deadAtStart = 0;
  for (let attempt = 1; ; attempt++) {
    const events = new EventBuffer();
    let result: T;
    let workStarted = false;
    let commitSent = false;
    try {
      result = await ctx.db.$transaction(async (tx) => {
        workStarted = true;
        const value = await work(tx, events);
        commitSent = true; // from here, Prisma commits: a lost connection leaves the outcome unknown
        return value;
      }, TRANSACTION_LIMITS);
    } catch (err) {
      if (isLostConnection(err) && (!commitSent || isNeverSent(err))) {
        // A dead pooled connection that failed at BEGIN ran nothing: another connection is tried
        // (at most as many as a pool holds). One lost during `work` is run again.
        const again = workStarted ? lostConnectionReruns < LOST_CONNECTION_RERUNS : deadAtStart++ < DEAD_AT_START_ATTEMPTS;
        if (again) {
          if (workStarted) {
            lostConnectionReruns += 1;
            ctx.deps.metrics.lostConnectionRetries.inc();
            await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
          }
          attempt -= 1;
          continue;
        }
      }
      if (isWriteConflict(err) && attempt < WRITE_CONFLICT_ATTEMPTS) {
        // Counted: a retry hides a deadlock from the caller, and lock-order tests (SECURITY 13) and
        // operators need to see them.
        ctx.deps.metrics.conflictRetries.inc();
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
        continue;
      }
      if (isTransactionStartTimeout(err)) {
        ctx.deps.metrics.transactionStartTimeouts.inc();
        throw new DomainError("SERVICE_UNAVAILABLE", "The marketplace is very busy right now. Please try again in a moment.");
      }
      if (isTransactionExpired(err)) {
        // Rolled back by Prisma, so safe to send again (a checkout with its idempotency key): an
        // overloaded database, not a fault of the request's.
        ctx.deps.metrics.transactionTimeouts.inc();
        throw new DomainError("SERVICE_UNAVAILABLE", "The marketplace is very busy right now. Please try again in a moment.");
      }
      throw err;
    }
    events.flushTo(ctx.deps.sink);
    return result;
  }
}
