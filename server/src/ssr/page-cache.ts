import type { KeptBody } from "../http/kept-encodings.ts";
import { VersionedCache } from "../lib/versioned-cache.ts";

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
 * TTL bounds what the version does not cover (a review's text, a reviewer's name), as shared
 * caches already may (PUBLIC_PAGE_CACHE's s-maxage); live updates correct the page once hydrated.
 * At most `maxEntries` pages are kept (least recently stored dropped first): URLs with queries are
 * unbounded.
 */
export interface CachedPage extends KeptBody {
  status: number;
  /** The page's HTML as UTF-8 bytes; its compressed copies are made once, as asked for (kept-encodings.ts). */
  body: Buffer;
}

/** See the comment above; the mechanics are VersionedCache's. */
export class RenderedPageCache extends VersionedCache<CachedPage> {}
