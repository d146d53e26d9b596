import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { memoryLimiterStore, type LimiterStore } from "../lib/rate-limiter.ts";
import { redisLimiterStore } from "../lib/redis-rate-limiter.ts";

export interface MadeStore {
  store: LimiterStore;
  /** The store's keys in Redis (none in memory): proves the counting happened there. */
  redisKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export type StoreName = "in memory" | "on Redis";

/**
 * `describe.each` over the limiter stores a limit test runs on: this process's memory and Redis
 * (REDIS_URL) under a key prefix of its own, so no other run's counters are seen; its keys are
 * deleted at close. `%s` in the title names the store. Without Redis the Redis suite is declared
 * skipped, not left out, so the run's closing line names it.
 */
export function describeEachLimiterStore(title: string, body: (storeName: StoreName, makeStore: () => Promise<MadeStore>) => void) {
  describe(title.replace("%s", "in memory"), () => body("in memory", async () => ({ store: memoryLimiterStore(), redisKeys: async () => [], close: async () => {} })));
  const url = process.env.REDIS_URL;
  describe.skipIf(!url)(title.replace("%s", "on Redis"), () => body("on Redis", () => redisStore(url!)));
}

async function redisStore(url: string): Promise<MadeStore> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  // Ready before use: until then the limiters count in memory (their outage fallback), and a test
  // would see two budgets.
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  const prefix = `mk-test-${randomBytes(6).toString("hex")}:`;
  return {
    store: redisLimiterStore(redis, prefix),
    redisKeys: () => redis.keys(`${prefix}*`),
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
