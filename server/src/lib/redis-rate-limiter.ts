import type { Redis } from "ioredis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { limiterStore, memoryLimiter, type LimiterStore } from "./rate-limiter.ts";

/**
 * Limits shared by every server process through Redis (so five replicas do not give an attacker
 * five times the login attempts). Keys are `<REDIS_KEY_PREFIX>rl:<rule>:<key>`, so deployments
 * sharing one Redis keep apart. While Redis is unreachable each limiter falls back to this
 * process's own counters (rate-limiter-flexible's insurance limiter) rather than letting
 * everything through; the client must not queue commands while offline (`enableOfflineQueue:
 * false`), so an outage answers at once instead of holding requests.
 */
export function redisLimiterStore(redis: Redis, keyPrefix: string): LimiterStore {
  return limiterStore(
    (rule) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryLimiter(rule),
      }),
  );
}
