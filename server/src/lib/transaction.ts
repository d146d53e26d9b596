import type { Tx } from "../db/client.ts";
import { EventBuffer } from "../realtime/publish.ts";
import type { Context } from "../trpc/context.ts";

/**
 * Runs `work` in one database transaction and publishes the events it collected only after the
 * commit: a rolled-back transaction emits nothing.
 */
export async function inTransaction<T>(
  ctx: Pick<Context, "db" | "deps">,
  work: (tx: Tx, events: EventBuffer) => Promise<T>,
): Promise<T> {
  const events = new EventBuffer();
  const result = await ctx.db.$transaction((tx) => work(tx, events));
  events.flushTo(ctx.deps.sink);
  return result;
}
