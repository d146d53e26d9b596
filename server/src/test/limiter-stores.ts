import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import { memoryLimiterStore, type LimiterStore } from "../lib/rate-limiter.ts";
import { redisLimiterStore } from "../lib/redis-rate-limiter.ts";

export interface MadeStore {
  store: LimiterStore;
  /** The store's keys in Redis (none in memory): proves the counting happened there. */
  redisKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The limiter stores a limit test runs on: this process's memory and, with REDIS_URL, Redis under a
 * key prefix of its own (so no other run's counters are seen; its keys are deleted at close).
 */
export function limiterStoresUnderTest(): [string, () => Promise<MadeStore>][] {
  const stores: [string, () => Promise<MadeStore>][] = [
    ["in memory", async () => ({ store: memoryLimiterStore(), redisKeys: async () => [], close: async () => {} })],
  ];
  const url = process.env.REDIS_URL;
  if (url) {
    stores.push([
      "on Redis",
      async () => {
        const redis = new Redis(url, { maxRetriesPerRequest: 1 });
        // Ready before use: until then the limiters count in memory (their outage fallback),
        // and a test would see two budgets.
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
      },
    ]);
  }
  return stores;
}
