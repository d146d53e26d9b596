import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, hasRedisServer, PrivateRedis } from "../test/redis-server.ts";
import { RedisRateLimiter } from "./redis-rate-limiter.ts";

describe.skipIf(!hasRedisServer)("RedisRateLimiter", () => {
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

  it("shares one budget between processes", async () => {
    const one = new RedisRateLimiter(a, "marketplace:");
    const two = new RedisRateLimiter(b, "marketplace:");
    expect((await one.hit("login:account:x", 3, 60_000)).allowed).toBe(true);
    expect((await two.hit("login:account:x", 3, 60_000)).allowed).toBe(true);
    expect((await one.hit("login:account:x", 3, 60_000)).allowed).toBe(true);
    const over = await two.hit("login:account:x", 3, 60_000);
    expect(over.allowed).toBe(false);
    expect(over.retryAfterSeconds).toBeGreaterThan(50);
    expect((await one.peek("login:account:x", 3, 60_000)).remaining).toBe(0);
    await two.reset("login:account:x");
    expect((await one.peek("login:account:x", 3, 60_000)).remaining).toBe(3);
  });

  it("keeps deployments with different REDIS_KEY_PREFIX apart", async () => {
    const production = new RedisRateLimiter(a, "shop-prod:");
    const staging = new RedisRateLimiter(b, "shop-staging:");
    expect((await production.hit("register:ip:1.2.3.4", 1, 60_000)).allowed).toBe(true);
    expect((await production.hit("register:ip:1.2.3.4", 1, 60_000)).allowed).toBe(false);
    expect((await staging.hit("register:ip:1.2.3.4", 1, 60_000)).allowed).toBe(true);
    expect(await a.exists("shop-prod:rl:register:ip:1.2.3.4", "shop-staging:rl:register:ip:1.2.3.4")).toBe(2);
  });

  it("falls back to counting in the process while Redis is down", async () => {
    const limiter = new RedisRateLimiter(a, "marketplace:");
    await redis.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect((await limiter.hit("k", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit("k", 1, 60_000)).allowed).toBe(false);
    await redis.start();
  });
});
