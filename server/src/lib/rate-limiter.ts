import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { tooManyRequests } from "./errors.ts";

/**
 * Limits on attempts (logins, sign-ups, password checks, Socket.IO requests) are
 * rate-limiter-flexible limiters: its consume is one atomic step (an INCR in a Lua script on Redis,
 * a synchronous update in memory), so a burst of concurrent requests can never all read "under the
 * limit" before any of them counts — the fault of a peek-then-hit limiter.
 *
 * A `LimiterStore` makes the limiters of one store (this process's memory, or Redis shared by every
 * replica) and hands out one limiter per rule name, so the rule's budget lives in one place.
 */
export interface LimitRule {
  /** Names the budget and starts its keys: `login:account` → `…login:account:<key>`. */
  name: string;
  /** Attempts allowed per window. */
  points: number;
  /** The window, fixed from the first attempt. */
  durationSeconds: number;
}

export interface LimiterStore {
  /** The limiter of this rule (the same instance for the same name). */
  limiter(rule: LimitRule): RateLimiterAbstract;
}

/** Memoises limiters by rule name and refuses one name with two budgets (a programming slip). */
export function limiterStore(make: (rule: LimitRule) => RateLimiterAbstract): LimiterStore {
  const made = new Map<string, { rule: LimitRule; limiter: RateLimiterAbstract }>();
  return {
    limiter(rule) {
      const existing = made.get(rule.name);
      if (existing) {
        if (existing.rule.points !== rule.points || existing.rule.durationSeconds !== rule.durationSeconds) {
          throw new Error(`rate limit "${rule.name}" defined twice with different budgets`);
        }
        return existing.limiter;
      }
      const limiter = make(rule);
      made.set(rule.name, { rule, limiter });
      return limiter;
    },
  };
}

export const memoryLimiter = (rule: LimitRule): RateLimiterMemory =>
  new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: rule.durationSeconds });

/** Counters in this process only: one server, or tests. */
export function memoryLimiterStore(): LimiterStore {
  return limiterStore(memoryLimiter);
}

/** Whole seconds until a refused key may try again: the real rest of its window, at least 1. */
export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Takes one attempt from `key`'s budget, or throws TOO_MANY_REQUESTS with the window's real
 * remaining time. A store failure without insurance (never the case here) is rethrown as is.
 */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooManyRequests(retryAfterSeconds(err));
    throw err;
  }
}

/** Takes one attempt and says whether it was within the budget, and if not for how long to wait. */
export async function take(limiter: RateLimiterAbstract, key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  try {
    await limiter.consume(key);
    return { allowed: true, retryAfterSeconds: 0 };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfterSeconds(err) };
    throw err;
  }
}

/** Takes one attempt; false (never a throw) when the budget is spent. */
export async function tryConsume(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  return (await take(limiter, key)).allowed;
}
