/**
 * Values computed from the catalog, kept while the catalog has not changed: an entry is used only
 * when it was stored at the version that is current now (the sequence every write to products,
 * shops, categories and product images moves: catalog-search-cached.sql.ts). Callers read the
 * version before computing, so a write during the computation leaves an entry that the next
 * request does not use. At most `maxEntries` are kept (least recently stored dropped first): keys
 * made of URLs are unbounded. `ttlMs` 0 or less: nothing is kept.
 *
 * `lookup` adds what a cache in front of many identical requests needs (bench/README.md, "Catalog
 * search": without it, every request that came while a kept answer was being computed again
 * computed it too, and a paced run's p95 rose from a few milliseconds to 240 ms):
 * - **One computation per key and version.** Requests that come while a value is being computed
 *   at their version wait for it instead of computing it again.
 * - **Refreshed in the background of one request.** An entry older than `ttlMs` but stored at the
 *   current version is still right as far as the version tells; the first request after `ttlMs`
 *   computes it again, and the others get the kept one meanwhile. What the version does not cover
 *   (the TTL's reason to exist) is then at most `ttlMs` plus one computation old.
 * A computation that never reports back is given up after `maxComputeMs`: its waiters compute
 * for themselves, and the next request starts another one.
 */
interface Entry<T> {
  at: number;
  version: string;
  value: T;
}

interface Flight<T> {
  promise: Promise<T | undefined>;
}

/** What to do about a request for a key at a version (see `VersionedCache.lookup`). */
export type Lookup<T> =
  /** Kept: fresh, or past its TTL while another request computes it again. */
  | { value: T; wait?: undefined; compute?: undefined }
  /** Being computed at this version by another request: its value, or undefined if it failed. */
  | { wait: Promise<T | undefined>; value?: undefined; compute?: undefined }
  /** Compute it, then report the value (undefined: nothing to keep, e.g. it failed). Once. */
  | { compute: (value: T | undefined) => void; value?: undefined; wait?: undefined };

const NOTHING_TO_REPORT = () => {};

export class VersionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Computations under way, by key and version (`flightKey`). */
  private readonly flights = new Map<string, Flight<T>>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 256,
    private readonly now: () => number = () => performance.now(),
    private readonly maxComputeMs = 30_000,
  ) {}

  /** The value of `key` stored at `version`, if still young enough. */
  get(key: string, version: string): T | undefined {
    if (this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.version === version && this.now() - entry.at < this.ttlMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  put(key: string, version: string, value: T): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key); // re-inserted last: the Map's order is the eviction order
    this.entries.set(key, { at: this.now(), version, value });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The kept value, a computation to wait for, or the duty to compute (see the comment above). */
  lookup(key: string, version: string): Lookup<T> {
    if (this.ttlMs <= 0) return { compute: NOTHING_TO_REPORT };
    const entry = this.entries.get(key);
    if (entry && entry.version === version && this.now() - entry.at < this.ttlMs) return { value: entry.value };
    const id = flightKey(key, version);
    const flight = this.flights.get(id);
    if (entry && entry.version === version) {
      if (flight) return { value: entry.value }; // past its TTL, being computed again
    } else if (flight) {
      return { wait: flight.promise };
    } else if (entry) {
      this.entries.delete(key);
    }
    return { compute: this.startFlight(id, key, version) };
  }

  /** The value of `key` at `version`: kept, waited for, or computed by `compute` (undefined: keep nothing). */
  async getOrCompute(key: string, version: string, compute: () => Promise<T | undefined>): Promise<T | undefined> {
    const found = this.lookup(key, version);
    if (!found.compute) return found.value ?? (await found.wait) ?? compute();
    let value: T | undefined;
    try {
      value = await compute();
    } finally {
      found.compute(value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Computations under way (tests). */
  get computing(): number {
    return this.flights.size;
  }

  private startFlight(id: string, key: string, version: string): (value: T | undefined) => void {
    let settle!: (value: T | undefined) => void;
    const flight: Flight<T> = { promise: new Promise<T | undefined>((resolve) => (settle = resolve)) };
    this.flights.set(id, flight);
    let reported = false;
    const report = (value: T | undefined) => {
      if (reported) return;
      reported = true;
      clearTimeout(giveUp);
      this.flights.delete(id);
      // The last to report is kept: if that is an older version's (a request that read the
      // version before a write, and finished after one that read it after), the next request
      // finds it out of date and computes again. Never wrong, rarely one computation more.
      if (value !== undefined) this.put(key, version, value);
      settle(value);
    };
    const giveUp = setTimeout(() => report(undefined), this.maxComputeMs);
    giveUp.unref?.();
    return report;
  }
}

/** Versions never hold a NUL (they are the database's name and a number). */
const flightKey = (key: string, version: string) => `${version}\u0000${key}`;
