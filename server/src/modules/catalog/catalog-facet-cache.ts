/**
 * A short in-process cache of the facets of searches WITHOUT a query. Those facets count every
 * listed product (each facet ignores its own filter, so even a narrow category page counts the
 * whole catalog for the category facet): one pass over all products, some 20–150 ms at 100,000
 * products depending on the machine, the same for every visitor browsing the same filters. With a
 * query the facets come with the page, from the hits alone, and are not cached.
 *
 * - An entry is fresh for `ttlMs` (10 s): requests get it as is.
 * - Older, up to `staleMs` (30 s): requests still get it at once, and the first of them starts a
 *   refresh in the background (stale-while-revalidate), so no request waits for a recount while
 *   the filters are being browsed. Under steady traffic the counts lag writes by at most `ttlMs`
 *   plus one recount. With `stillCurrent` (the catalog's version, in the search service), the
 *   refresh first asks whether the kept value is still right, and only recounts if it is not:
 *   a catalog nobody writes to is not counted again every `ttlMs` (a pass of 90–130 ms at
 *   100,000 products, per filter set and process, that showed in the paced benchmark's p95).
 * - Older than that, or missing: the request computes it; concurrent requests for the same
 *   filters share that one computation. A failed computation is forgotten at once (a failed
 *   refresh keeps the stale entry until it is too old).
 *
 * The pages themselves are always read live. Each database (PrismaClient, or any object for
 * another caller) has its own cache, so test apps never see each other's counts.
 */
export const CATALOG_FACET_CACHE_TTL_MS = 10_000;
export const CATALOG_FACET_CACHE_STALE_MS = 30_000;
const MAX_ENTRIES = 500;

interface Entry<T> {
  /** When the computation of `value` started. */
  at: number;
  value: Promise<T>;
  settled: boolean;
  refreshing: boolean;
}

export class FacetCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** 0 or less: no caching (every call computes). */
  ttlMs: number;
  staleMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: { ttlMs?: number; staleMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? CATALOG_FACET_CACHE_TTL_MS;
    this.staleMs = opts.staleMs ?? CATALOG_FACET_CACHE_STALE_MS;
    this.maxEntries = opts.maxEntries ?? MAX_ENTRIES;
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * The value of `key`: kept, or computed by `load`. `stillCurrent`, if given, is asked before a
   * refresh whether the kept value is still right (true: it is kept for another `ttlMs`, no load).
   */
  get(key: string, load: () => Promise<T>, stillCurrent?: (kept: T) => Promise<boolean>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit) {
      const age = now - hit.at;
      if (age < this.ttlMs) return hit.value;
      if (age < Math.max(this.staleMs, this.ttlMs) && hit.settled) {
        if (!hit.refreshing) this.refresh(key, hit, load, stillCurrent);
        return hit.value;
      }
    }
    return this.start(key, load, now);
  }

  clear() {
    this.entries.clear();
  }

  private start(key: string, load: () => Promise<T>, now: number): Promise<T> {
    const entry: Entry<T> = { at: now, value: load(), settled: false, refreshing: false };
    this.put(key, entry);
    entry.value.then(
      () => (entry.settled = true),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  private refresh(key: string, stale: Entry<T>, load: () => Promise<T>, stillCurrent?: (kept: T) => Promise<boolean>) {
    stale.refreshing = true;
    const at = this.now();
    const renewed = stillCurrent ? stale.value.then(stillCurrent) : Promise.resolve(false);
    renewed
      .then((current) => {
        if (!current) return load();
        if (this.entries.get(key) === stale) {
          stale.at = at;
          stale.refreshing = false;
        }
        return undefined;
      })
      .then(
        (value) => {
          if (value !== undefined && this.entries.get(key) === stale) this.put(key, { at, value: Promise.resolve(value), settled: true, refreshing: false });
        },
        () => {
          stale.refreshing = false;
        },
      );
  }

  private put(key: string, entry: Entry<T>) {
    this.entries.delete(key); // re-inserted last: the Map's order is the eviction order
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

const caches = new WeakMap<object, FacetCache<unknown>>();

/** The facet cache of one database. */
export function facetCacheFor<T>(owner: object): FacetCache<T> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new FacetCache()));
  return cache as FacetCache<T>;
}
