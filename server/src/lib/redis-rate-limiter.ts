import type { Redis } from "ioredis";
import { MemoryRateLimiter, type RateLimiter, type RateLimitResult } from "./rate-limiter.ts";

/** INCR the window's counter, starting its expiry on the first hit; returns [count, ms left]. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {n, ttl}`;

/**
 * Fixed-window limits shared by every server process through Redis (so five replicas do not
 * give an attacker five times the login attempts). While Redis is unreachable it falls back to
 * this process's own counters rather than letting everything through.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly fallback = new MemoryRateLimiter();
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    /** The deployment's REDIS_KEY_PREFIX; the limiter's keys follow it with `rl:`. */
    keyPrefix: string,
  ) {
    this.prefix = `${keyPrefix}rl:`;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT, 1, this.prefix + key, String(windowMs))) as [number, number];
      return result(count, ttl, limit);
    } catch {
      return this.fallback.hit(key, limit, windowMs);
    }
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    try {
      const [count, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
      return result(Number(count ?? 0), ttl, limit);
    } catch {
      return this.fallback.peek(key, limit, windowMs);
    }
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.redis.del(this.prefix + key).catch(() => 0), this.fallback.reset(key)]);
  }
}

function result(count: number, ttlMs: number, limit: number): RateLimitResult {
  const allowed = count <= limit;
  return {
    allowed,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(Math.max(ttlMs, 0) / 1000)),
  };
}
