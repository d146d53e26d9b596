/**
 * Values computed from the catalog, kept while the catalog has not changed: an entry is used only
 * when it was stored at the version that is current now (the sequence every write to products,
 * shops, categories and product images moves: catalog-search-cached.sql.ts) and is younger than
 * `ttlMs`. Callers read the version before computing, so a write during the computation leaves
 * an entry that the next request does not use. At most `maxEntries` are kept (least recently
 * stored dropped first): keys made of URLs are unbounded. `ttlMs` 0 or less: nothing is kept.
 */
interface Entry<T> {
  at: number;
  version: string;
  value: T;
}

export class VersionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 256,
    private readonly now: () => number = () => performance.now(),
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

  get size(): number {
    return this.entries.size;
  }
}
