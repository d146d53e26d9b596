import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, hasRedisServer, PrivateRedis } from "../test/redis-server.ts";
import { retryAfterSeconds, tryConsume } from "./rate-limiter.ts";
import { redisLimiterStore } from "./redis-rate-limiter.ts";
import { RateLimiterRes } from "rate-limiter-flexible";

describe.skipIf(!hasRedisServer)("Redis limiter store", () => {
  let redis: PrivateRedis;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    a = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200 });
    b = new Redis(redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200 });
    await Promise.all([new Promise((r) => a.once("ready", r)), new Promise((r) => b.once("ready", r))]);
  });
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
    await redis.stop();
  });

  const rule = (name: string, points: number) => ({ name, points, durationSeconds: 60 });

  it("shares one budget between processes", async () => {
    const one = redisLimiterStore(a, "marketplace:").limiter(rule("login:account", 3));
    const two = redisLimiterStore(b, "marketplace:").limiter(rule("login:account", 3));
    expect(await tryConsume(one, "x")).toBe(true);
    expect(await tryConsume(two, "x")).toBe(true);
    expect(await tryConsume(one, "x")).toBe(true);
    const over = await two.consume("x").catch((e: unknown) => e);
    expect(over).toBeInstanceOf(RateLimiterRes);
    expect(retryAfterSeconds(over as RateLimiterRes)).toBeGreaterThan(50);
    expect((await one.get("x"))?.remainingPoints).toBe(0);
    await two.delete("x");
    expect(await one.get("x")).toBeNull();
    expect(await tryConsume(one, "x")).toBe(true);
    expect((await two.get("x"))?.remainingPoints).toBe(2);
  });

  it("keeps deployments with different REDIS_KEY_PREFIX apart", async () => {
    const production = redisLimiterStore(a, "shop-prod:").limiter(rule("register:ip", 1));
    const staging = redisLimiterStore(b, "shop-staging:").limiter(rule("register:ip", 1));
    expect(await tryConsume(production, "1.2.3.4")).toBe(true);
    expect(await tryConsume(production, "1.2.3.4")).toBe(false);
    expect(await tryConsume(staging, "1.2.3.4")).toBe(true);
    expect(await a.exists("shop-prod:rl:register:ip:1.2.3.4", "shop-staging:rl:register:ip:1.2.3.4")).toBe(2);
  });

  it("falls back to counting in the process while Redis is down", async () => {
    const limiter = redisLimiterStore(a, "marketplace:").limiter(rule("k", 1));
    const noticed = new Promise((r) => a.once("close", r)); // the client knows Redis is gone
    await redis.stop();
    await noticed;
    expect(await tryConsume(limiter, "k")).toBe(true);
    expect(await tryConsume(limiter, "k")).toBe(false);
    await redis.start();
  });
});
