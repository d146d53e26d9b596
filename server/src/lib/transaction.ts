import type { Tx } from "../db/client.ts";
import { isTransactionStartTimeout } from "../db/errors.ts";
import { EventBuffer } from "../realtime/publish.ts";
import type { Context } from "../trpc/context.ts";
import { DomainError } from "./errors.ts";

/**
 * How long a transaction may wait for a pooled connection, and run. Prisma's defaults (2 s, 5 s)
 * turn a burst of checkouts queued on the pool into failures; past these, the request is answered
 * SERVICE_UNAVAILABLE, which a client may retry (a checkout safely, with its idempotency key).
 */
export const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Runs `work` in one database transaction and publishes the events it collected only after the
 * commit: a rolled-back transaction emits nothing.
 */
export async function inTransaction<T>(
  ctx: Pick<Context, "db" | "deps">,
  work: (tx: Tx, events: EventBuffer) => Promise<T>,
): Promise<T> {
  const events = new EventBuffer();
  let result: T;
  try {
    result = await ctx.db.$transaction((tx) => work(tx, events), TRANSACTION_LIMITS);
  } catch (err) {
    if (isTransactionStartTimeout(err)) {
      throw new DomainError("SERVICE_UNAVAILABLE", "The marketplace is very busy right now. Please try again in a moment.");
    }
    throw err;
  }
  events.flushTo(ctx.deps.sink);
  return result;
}
