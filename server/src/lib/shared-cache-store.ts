import type { Redis } from "ioredis";

/**
 * A string store shared by every server process, for caches whose entries are worth computing
 * once per deployment rather than once per process (the catalog's search results). Best effort:
 * `get` answers null and `set` does nothing while the store is unreachable, so an outage costs
 * recomputation, never a failed request.
 */
export interface SharedCacheStore {
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/**
 * The store on Redis: keys `<REDIS_KEY_PREFIX>cache:<key>`, each with its own expiry (`SET … PX`).
 * The client should not queue commands while offline (`enableOfflineQueue: false`), so that an
 * outage answers at once instead of holding requests.
 */
export function redisCacheStore(redis: Redis, keyPrefix: string): SharedCacheStore {
  const full = (key: string) => `${keyPrefix}cache:${key}`;
  return {
    get: (key) => redis.get(full(key)).catch(() => null),
    set: async (key, value, ttlMs) => {
      await redis.set(full(key), value, "PX", Math.max(1, Math.round(ttlMs))).catch(() => undefined);
    },
  };
}
