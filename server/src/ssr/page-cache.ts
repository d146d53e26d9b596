/**
 * This process's rendered public pages, reused while the catalog has not changed.
 *
 * Why: rendering a product page (Vue's render to a string, its head tags, the dehydrated state)
 * costs several times what its data costs (bench/README.md, "Server-rendered pages"), and a
 * public page is the same for every visitor.
 *
 * When an entry is reused: it was rendered at the catalog version that is current now (the
 * sequence that every write to products, their prices and stock, shops and categories moves:
 * catalog-search-cached.sql.ts), and it is younger than `ttlMs`. The version is read before
 * rendering, so a write during a render leaves an entry that the next request does not use. The
 * TTL bounds what the version does not cover (a review's text, a product's images), as shared
 * caches already may (PUBLIC_PAGE_CACHE's s-maxage); live updates correct the page once hydrated.
 * At most `maxEntries` pages are kept (least recently stored dropped first): URLs with queries are
 * unbounded.
 */
export interface CachedPage {
  status: number;
  html: string;
}

interface Entry {
  at: number;
  version: string;
  page: CachedPage;
}

export class RenderedPageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 256,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The page of `url` rendered at `version`, if still young enough. */
  get(url: string, version: string): CachedPage | undefined {
    if (this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(url);
    if (!entry) return undefined;
    if (entry.version === version && this.now() - entry.at < this.ttlMs) return entry.page;
    this.entries.delete(url);
    return undefined;
  }

  put(url: string, version: string, page: CachedPage): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(url); // re-inserted last: the Map's order is the eviction order
    this.entries.set(url, { at: this.now(), version, page });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
