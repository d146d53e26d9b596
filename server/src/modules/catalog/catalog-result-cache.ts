import { createHash } from "node:crypto";
import type { CatalogSearchFacets } from "@marketplace/shared";
import type { SharedCacheStore } from "../../lib/shared-cache-store.ts";
import type { CachedRow } from "./catalog-search-cached.sql.ts";

/**
 * The first pages of searches WITH a query, cached per normalised query, filters and sort, for
 * every user and (with Redis) every process.
 *
 * Why: a broad query (one word matching thousands of products) must rank every match to find its
 * first page and count every match for its facets: some 20–150 ms of PostgreSQL at 100,000
 * products, ten times that at 1,000,000, and the same work for every shopper typing "wool".
 *
 * What an entry holds: the version of the catalog it was computed at, the ids of the first
 * `CACHED_ROWS` results in order (with their relevance keys, for the cursor), and the facets. It
 * holds no card: the cards are read live by one cheap statement that also reads the current
 * version (catalog-search-cached.sql.ts), and the entry is used only when the versions agree.
 * Since the version moves with every write to products, shops and categories, a product added,
 * changed or removed while an entry lives is in the very next answer: the answers are those of a
 * search computed afresh. The one gap: a write whose version bump precedes its commit by a few
 * milliseconds can be missed by a search computed in that window; `ttlMs` bounds how long such an
 * entry lives (and frees memory).
 *
 * - Local tier: this process's entries (a Map, least recently stored evicted beyond
 *   `maxEntries`), up to `ttlMs` old.
 * - Shared tier (optional, Redis): consulted when the local tier misses; what one process
 *   computes, the others read.
 * - Concurrent misses of one key in this process share one computation.
 */
export const CATALOG_RESULT_CACHE_TTL_MS = 30_000;
/** Rows kept per entry: the largest page (48) plus one, to know whether a next page exists. */
export const CACHED_ROWS = 49;
const MAX_ENTRIES = 1_000;

export interface CachedFirstPage {
  version: string;
  rows: CachedRow[];
  facets: CatalogSearchFacets;
}

interface LocalEntry {
  at: number;
  value: CachedFirstPage;
}

export class ResultCache {
  private readonly local = new Map<string, LocalEntry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** 0 or less: no caching (every search is computed). */
  ttlMs: number;
  private readonly maxEntries: number;
  private readonly shared: SharedCacheStore | null;
  private readonly now: () => number;

  constructor(opts: { shared?: SharedCacheStore | null; ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.shared = opts.shared ?? null;
    this.ttlMs = opts.ttlMs ?? CATALOG_RESULT_CACHE_TTL_MS;
    this.maxEntries = opts.maxEntries ?? MAX_ENTRIES;
    this.now = opts.now ?? (() => performance.now());
  }

  /** The entry of `key`, from this process or the shared store; undefined when neither has one. */
  async get(key: string): Promise<CachedFirstPage | undefined> {
    if (this.ttlMs <= 0) return undefined;
    const hit = this.local.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    if (hit) this.local.delete(key);
    if (!this.shared) return undefined;
    const text = await this.shared.get(sharedKey(key));
    if (text === null) return undefined;
    const value = parseEntry(text);
    // Its age in the shared store is unknown here: it lives locally for a TTL at most from now,
    // and the version check decides whether it is still right.
    if (value) this.putLocal(key, value);
    return value;
  }

  /** Stores an entry here and in the shared store. */
  put(key: string, value: CachedFirstPage): void {
    if (this.ttlMs <= 0) return;
    this.putLocal(key, value);
    void this.shared?.set(sharedKey(key), JSON.stringify(value), this.ttlMs);
  }

  /** Drops this process's entry of `key` if it is still the one of `version` (found out of date). */
  forget(key: string, version: string): void {
    if (this.local.get(key)?.value.version === version) this.local.delete(key);
  }

  /** Runs `compute` once for all concurrent callers of `key` in this process. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const p = compute().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  clear(): void {
    this.local.clear();
  }

  private putLocal(key: string, value: CachedFirstPage) {
    this.local.delete(key); // re-inserted last: the Map's order is the eviction order
    this.local.set(key, { at: this.now(), value });
    if (this.local.size > this.maxEntries) {
      const oldest = this.local.keys().next();
      if (!oldest.done) this.local.delete(oldest.value);
    }
  }
}

/** Keys in the shared store: bounded in length whatever the query. */
function sharedKey(key: string): string {
  return `catalog:search:${createHash("sha256").update(key).digest("base64url")}`;
}

/** An entry read back from the shared store, or undefined if it is not one (another version's layout). */
function parseEntry(text: string): CachedFirstPage | undefined {
  try {
    const v = JSON.parse(text) as Partial<CachedFirstPage>;
    return typeof v.version === "string" && Array.isArray(v.rows) && v.facets ? (v as CachedFirstPage) : undefined;
  } catch {
    return undefined;
  }
}

const caches = new WeakMap<object, ResultCache>();

/** The result cache of one database (tests' databases never share entries). */
export function resultCacheFor(owner: object, shared: SharedCacheStore | null): ResultCache {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new ResultCache({ shared })));
  return cache;
}
