/**
 * Fixed-window counters keyed by strings ("login:ip:1.2.3.4"). In memory for one process;
 * the interface lets a Redis store replace it when several processes share the limits.
 */
export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one hit and says whether it stays within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Says whether `key` is already over `limit`, without counting. */
  peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
}

interface Window {
  count: number;
  resetAt: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const w = this.current(key, windowMs, true)!;
    w.count += 1;
    return this.result(w, limit);
  }

  async peek(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const w = this.current(key, windowMs, false);
    return w ? this.result(w, limit) : { allowed: true, remaining: limit, retryAfterSeconds: 0 };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private current(key: string, windowMs: number, create: boolean): Window | undefined {
    const now = this.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (w && w.resetAt <= now) {
      this.windows.delete(key);
      w = undefined;
    }
    if (!w && create) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    return w;
  }

  private result(w: Window, limit: number): RateLimitResult {
    const allowed = w.count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - w.count),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)),
    };
  }

  /** Drops expired windows at most once a minute, so memory stays bounded by active keys. */
  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
