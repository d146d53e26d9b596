import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { until } from "../test/until.ts";
import { freePort, hasRedisServer, PrivateRedis } from "../test/redis-server.ts";
import { connectAdapterRedis, READ_RETRY_PAUSE_MS, type AdapterRedis } from "./redis.ts";

/**
 * The stream readers that the Socket.IO adapter reads the other processes' events with
 * (redis.ts): a failed read is reported after a pause, once, to the one who asked for it.
 */
describe.skipIf(!hasRedisServer)("the adapter's stream readers", () => {
  let redis: PrivateRedis;
  let pair: AdapterRedis;
  let reader: Redis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await redis.stop();
  });
  beforeEach(async () => {
    unhandled.length = 0;
    pair = connectAdapterRedis(redis.url, () => {});
    reader = pair.client.duplicate(); // what the adapter does for each stream it reads
    await until(() => reader.status === "ready", "the reader to connect", 5_000);
  });
  afterEach(async () => {
    await pair.close();
    reader.disconnect();
  });

  /** A read that blocks until cut, and what became of it: the error and when it came. */
  function blockedRead() {
    const outcome: { error?: Error; at?: number } = {};
    const done = reader.xread("BLOCK", 0, "STREAMS", "mk-reader-test", "$").then(
      () => {},
      (err: Error) => {
        outcome.error = err;
        outcome.at = Date.now();
      },
    );
    return { outcome, done };
  }

  it("a read queued while Redis was away and sent again once it is back fails once, to its caller, and leaves nothing unhandled", async () => {
    const read = blockedRead();
    await redis.stop();
    await until(() => reader.status !== "ready", "the reader to see Redis gone", 5_000);
    await redis.start();
    await until(() => reader.status === "ready", "the reader to reconnect", 10_000);
    // ioredis has now sent the blocked read again; cutting the connection fails it.
    const cutAt = Date.now();
    reader.disconnect();
    await read.done;
    expect(read.outcome.error?.message).toBe("Connection is closed.");
    expect(read.outcome.at! - cutAt).toBeGreaterThanOrEqual(READ_RETRY_PAUSE_MS - 50);
    // Time for a second, orphaned rejection (the resent read's own) to surface, as it did.
    await new Promise((r) => setTimeout(r, READ_RETRY_PAUSE_MS + 200));
    expect(unhandled).toEqual([]);
  }, 30_000);

  it("a command Redis answers with an error is not an outage: nothing says Redis is unavailable", async () => {
    const said: string[] = [];
    const watched = connectAdapterRedis(redis.url, (_level, msg) => said.push(msg));
    try {
      await until(() => watched.client.status === "ready", "the client to connect", 5_000);
      await expect(watched.client.call("CLIENT", "NO-SUCH-SUBCOMMAND")).rejects.toThrow(/unknown subcommand/i);
      expect(watched.client.status).toBe("ready");
      expect(said).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it("a closed reader's reads fail only after the pause, so the adapter's read-again loop cannot starve the process", async () => {
    reader.disconnect();
    await until(() => reader.status === "end", "the reader to close", 5_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = Date.now();
    // The adapter's loop: read, and read again as soon as the read ends, failed or not.
    for (let i = 0; i < 3; i++) await blockedRead().done;
    clearInterval(timer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * (READ_RETRY_PAUSE_MS - 50));
    expect(ticks).toBeGreaterThan(10); // timers ran in between: the loop yields to the rest of the process
    expect(unhandled).toEqual([]);
  });
});
