import { CATALOG_PRICE_BUCKETS, CATALOG_RATING_BUCKETS, type CatalogSearchFacets, type CatalogSearchInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Scope } from "../../scope.ts";
import type { Database } from "../../db/client.ts";
import { decodeSearchCursor, encodeSearchCursor, queryFingerprint, type SearchCursor, type SearchOrder } from "./catalog-cursor.ts";
import { facetCacheFor, type FacetCache } from "./catalog-facet-cache.ts";
import { CACHED_ROWS, resultCacheFor, type ResultCache } from "./catalog-result-cache.ts";
import { cachedPageStatement, versionStatement } from "./catalog-search-cached.sql.ts";
import { websearchText } from "./catalog-query.ts";
import { facetsStatement, searchStatement, type SearchPlan } from "./catalog-search.sql.ts";

/** Words too common to be worth a fuzzy title match. */
const STOP_WORDS = new Set(["and", "are", "for", "from", "its", "our", "the", "this", "that", "with", "you", "your"]);
const MAX_FUZZY_WORDS = 6;

/** The words of a query that trigram matching looks for: lower case, 3+ letters, distinct, a few. */
export function fuzzyWords(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
  return [...new Set(words)].slice(0, MAX_FUZZY_WORDS);
}

interface ItemJson {
  id: string;
  title: string;
  slug: string;
  priceCents: number;
  currency: string;
  image: { url: string; alt: string } | null;
  shop: { id: string; name: string; slug: string };
  ratingAvg: number;
  ratingCount: number;
  /** The rating sort's key (the Bayesian score); not part of the card. */
  ratingScore: number;
  inStock: boolean;
  createdAt: string;
  tier: number;
  score: number;
}

type BucketColumns = { [K in `price_${0 | 1 | 2 | 3 | 4}` | `rating_${(typeof CATALOG_RATING_BUCKETS)[number]}`]: number };

interface ItemsRow {
  items: ItemJson[];
}

type FacetRow = BucketColumns & {
  total: number;
  in_stock: number;
  categories: CatalogSearchFacets["categories"];
};

/** The sort key of a result, as its cursor carries it. */
function cursorAfter(item: ItemJson, order: SearchOrder, q: string | null): SearchCursor {
  switch (order) {
    case "newest":
      return { s: order, k: [new Date(item.createdAt).getTime()], id: item.id };
    case "price_asc":
    case "price_desc":
      return { s: order, k: [item.priceCents], id: item.id };
    case "rating":
      return { s: order, k: [item.ratingScore, item.ratingCount], id: item.id };
    case "relevance":
      return { s: order, k: [item.tier, item.score], id: item.id, q: queryFingerprint(q ?? "") };
  }
}

export type SearchResult = {
  /** The cards, without the sort keys the statement adds for the cursor. */
  items: Omit<ItemJson, "createdAt" | "tier" | "score" | "ratingScore">[];
  nextCursor: string | null;
  /** The order the page is in (`relevance` asked without a query runs as `newest`). */
  sort: SearchOrder;
  /** First pages only: null on a page read with a cursor. */
  facets: CatalogSearchFacets | null;
};

/**
 * What a search runs: its trimmed query (with runs of NOT operators made one, see
 * catalog-query.ts), its real order, its filters and its decoded cursor.
 */
export function searchPlan(input: CatalogSearchInput): SearchPlan {
  const q = input.q ? websearchText(input.q) : null;
  const order: SearchOrder = input.sort === undefined || input.sort === "relevance" ? (q ? "relevance" : "newest") : input.sort;
  return {
    q,
    fuzzyWords: q ? fuzzyWords(q) : [],
    categoryId: input.categoryId ?? null,
    shopId: input.shopId ?? null,
    minPriceCents: input.minPriceCents ?? null,
    maxPriceCents: input.maxPriceCents ?? null,
    minRating: input.minRating ?? null,
    inStock: input.inStock === true,
    order,
    after: decodeSearchCursor(input.cursor, order, q),
    limit: input.limit,
  };
}

function toFacets(row: FacetRow): CatalogSearchFacets {
  return {
    total: row.total,
    categories: row.categories,
    price: CATALOG_PRICE_BUCKETS.map((b, i) => ({ ...b, count: row[`price_${i as 0 | 1 | 2 | 3 | 4}`] })),
    rating: CATALOG_RATING_BUCKETS.map((r) => ({ minRating: r, count: row[`rating_${r}`] })),
    inStock: row.in_stock,
  };
}

/** The cache key of a query-less search's facets: every filter (not the sort, page or size). */
function facetKey(plan: SearchPlan): string {
  return JSON.stringify([plan.categoryId, plan.shopId, plan.minPriceCents, plan.maxPriceCents, plan.minRating, plan.inStock]);
}

/** Facets of a query-less search, with the catalog version read before they were counted. */
export interface KeptFacets {
  version: string;
  facets: CatalogSearchFacets;
}

async function currentVersion(run: RunSql): Promise<string> {
  const [v] = (await run(versionStatement)) as { version: string }[];
  if (!v) throw new Error("the catalog version returned no row");
  return v.version;
}

/**
 * The facets of a search without a query, from the cache (computed when missing or too old; when
 * too old but the catalog's version has not moved since they were counted, kept as they are).
 */
async function cachedFacets(run: RunSql, cache: FacetCache<KeptFacets>, plan: SearchPlan): Promise<CatalogSearchFacets> {
  const kept = await cache.get(
    facetKey(plan),
    async () => {
      // The version first: a write committed during the count moves it, and the next refresh counts again.
      const version = await currentVersion(run);
      const [row] = (await run(facetsStatement(plan))) as FacetRow[];
      if (!row) throw new Error("catalog facets returned no row");
      return { version, facets: toFacets(row) };
    },
    async (facets) => (await currentVersion(run)) === facets.version,
  );
  return kept.facets;
}

/**
 * Listed products per category, each with its descendants (categories without any are absent):
 * the category facet of a search with no query and no filter, so `catalog.categories` shares its
 * cached count with the catalog's first page.
 */
export async function listedPerCategory(ctx: Scope): Promise<Map<string, number>> {
  const facets = await cachedFacets(databaseRun(ctx), facetCacheOf(ctx), searchPlan({ limit: 1 }));
  return new Map(facets.categories.map((c) => [c.id, c.count]));
}

/** Runs a statement and returns its rows: `Database.read`, or node-postgres with `.text` and `.values`. */
export type RunSql = (statement: Prisma.Sql) => Promise<unknown[]>;

const databaseRun = (ctx: Scope): RunSql => (statement) => ctx.deps.database.read(statement);
const facetCacheOf = (ctx: Scope) => facetCacheFor<KeptFacets>(ctx.db);
const resultCacheOf = (ctx: Scope) => resultCacheFor(ctx.db, ctx.deps.sharedCache ?? null);

/** The caches a search may use; null for none (every search computed in full). */
export interface SearchCaches {
  facets: FacetCache<KeptFacets> | null;
  results: ResultCache | null;
}

/**
 * The cache key of a query's first page: the query with its blanks collapsed and its ASCII
 * letters in lower case (neither changes what `websearch_to_tsquery` or the trigram words make of
 * it), every filter and the sort; not the page size (an entry holds enough rows for any).
 */
export function resultKey(plan: SearchPlan): string {
  const q = (plan.q ?? "").trim().replace(/\s+/g, " ").replace(/[A-Z]/g, (c) => c.toLowerCase());
  return JSON.stringify([q, plan.categoryId, plan.shopId, plan.minPriceCents, plan.maxPriceCents, plan.minRating, plan.inStock, plan.order]);
}

/**
 * The items (up to limit + 1) and facets of a query's first page: from the result cache when its
 * entry is still of the current version, else computed (once for concurrent callers) and stored.
 */
async function firstQueryPage(run: RunSql, plan: SearchPlan, cache: ResultCache): Promise<{ items: ItemJson[]; facets: CatalogSearchFacets }> {
  const key = resultKey(plan);
  const cached = await cache.get(key);
  if (cached) {
    const [row] = (await run(cachedPageStatement(cached.rows.slice(0, plan.limit + 1)))) as ({ version: string } & ItemsRow)[];
    if (!row) throw new Error("catalog cached page returned no row");
    if (row.version === cached.version) return { items: row.items, facets: cached.facets };
    cache.forget(key, cached.version);
  }
  const fresh = await cache.once(key, async () => {
    // The version first, then the search in a later snapshot: a write committed in between makes
    // the entry out of date at once (its bump came after this read), never wrongly current.
    const version = await currentVersion(run);
    const [row] = (await run(searchStatement({ ...plan, limit: CACHED_ROWS - 1 }, { facets: true }))) as (ItemsRow & FacetRow)[];
    if (!row) throw new Error("catalog search returned no row");
    const facets = toFacets(row);
    cache.put(key, { version, rows: row.items.map((i) => ({ id: i.id, tier: i.tier, score: i.score })), facets });
    return { items: row.items, facets };
  });
  return { items: fresh.items.slice(0, plan.limit + 1), facets: fresh.facets };
}

/**
 * A search, given the means to run SQL and the caches: what `catalog.search` does after
 * validating its input. Exported so that the benchmark's plain node-postgres server runs the
 * very same statements.
 */
export async function runSearch(run: RunSql, input: CatalogSearchInput, caches: SearchCaches): Promise<SearchResult> {
  const plan = searchPlan(input);
  const firstPage = plan.after === null;
  let row: ItemsRow & Partial<FacetRow>;
  let facets: CatalogSearchFacets | null = null;
  if (firstPage && plan.q === null && caches.facets) {
    // Without a query: the page off an index, the facets (a pass over every product) from the cache.
    const [rows, cached] = await Promise.all([run(searchStatement(plan, { facets: false })), cachedFacets(run, caches.facets, plan)]);
    row = rows[0] as ItemsRow;
    facets = cached;
  } else if (firstPage && plan.q !== null && caches.results) {
    // With a query: ranking and counting every match, once per catalog version (catalog-result-cache.ts).
    const page = await firstQueryPage(run, plan, caches.results);
    row = { items: page.items };
    facets = page.facets;
  } else {
    row = (await run(searchStatement(plan, { facets: firstPage })))[0] as ItemsRow & Partial<FacetRow>;
    if (row && firstPage) facets = toFacets(row as FacetRow);
  }
  if (!row) throw new Error("catalog search returned no row");

  const page = row.items.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((i) => ({
      id: i.id,
      title: i.title,
      slug: i.slug,
      priceCents: i.priceCents,
      currency: i.currency,
      image: i.image,
      shop: i.shop,
      ratingAvg: i.ratingAvg,
      ratingCount: i.ratingCount,
      inStock: i.inStock,
    })),
    nextCursor: row.items.length > input.limit && last ? encodeSearchCursor(cursorAfter(last, plan.order, plan.q)) : null,
    sort: plan.order,
    facets,
  };
}

/**
 * `catalog.search`: a page of product cards over the listed products (ACTIVE, of ACTIVE shops,
 * with a variant), the cursor of the next page, and on the first page the facets of the whole
 * result set. See catalog-search.sql.ts for how it finds, filters, ranks and counts.
 *
 * Facets follow the usual convention: each counts over the query and every filter except its own
 * (the category counts ignore the category filter, the price buckets the price range, and so on),
 * so a facet's count says how many results choosing that value would give, other choices kept.
 * `facets.total` counts the results with every filter. Pages read with a cursor carry
 * `facets: null`. Without a query, the facets are cached for a few seconds (catalog-facet-cache.ts);
 * with one, the first page (its ids and facets) is cached until the catalog changes
 * (catalog-result-cache.ts): answers are always those of the current catalog.
 */
export function search(ctx: Scope, input: CatalogSearchInput): Promise<SearchResult> {
  return runSearch(databaseRun(ctx), input, { facets: facetCacheOf(ctx), results: resultCacheOf(ctx) });
}
export type CatalogSearchResult = SearchResult;

/**
 * The catalog's version (catalog-search-cached.sql.ts): it moves with every write to products
 * (their prices and stock included), shops and categories. Caches of what those make keep it.
 */
export function catalogVersion(database: Pick<Database, "read">): Promise<string> {
  return currentVersion((statement) => database.read(statement));
}
