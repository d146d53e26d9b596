/**
 * The searches the benchmark drives, resolved against the seeded catalog (category ids, deep
 * cursors), and the statements each one runs, captured from the catalog module itself.
 */
import type pg from "pg";
import { catalogSearchInput } from "@marketplace/shared";
import type { Prisma } from "../../server/src/generated/prisma/client.ts";
import { FacetCache } from "../../server/src/modules/catalog/catalog-facet-cache.ts";
import { ResultCache } from "../../server/src/modules/catalog/catalog-result-cache.ts";
import { runSearch, type KeptFacets, type SearchResult } from "../../server/src/modules/catalog/catalog-search.service.ts";

export interface BenchQuery {
  key: string;
  /** What the table calls it. */
  title: string;
  /** `catalog.search`'s input, as a client sends it. */
  input: Record<string, unknown>;
  /** Load-tested, or only explained. */
  load: boolean;
  /** Request headers besides the URL's (a browser's Accept-Encoding). */
  headers?: Record<string, string>;
}

/** What a browser sends: both servers answer it compressed, from copies made once per kept answer. */
export const BROWSER_ENCODINGS = { "accept-encoding": "gzip, deflate, br, zstd" };

/** Pages followed to reach the deep cursors. */
export const DEEP_PAGES = 20;

/** Runs a search in this process through node-postgres, computed in full (no cache). */
export function searchWith(pool: pg.Pool, input: Record<string, unknown>): Promise<SearchResult> {
  return runSearch(async (s) => (await pool.query(s.text, s.values)).rows, catalogSearchInput.parse(input), { facets: null, results: null });
}

/** The cursor of page DEEP_PAGES + 1 of a sort, with the default page size (24). */
async function deepCursor(pool: pg.Pool, sort: string): Promise<string> {
  let cursor: string | undefined;
  for (let i = 0; i < DEEP_PAGES; i++) {
    const page = await searchWith(pool, { sort, ...(cursor ? { cursor } : {}) });
    if (!page.nextCursor) throw new Error(`${sort}: only ${i + 1} pages`);
    cursor = page.nextCursor;
  }
  return cursor!;
}

export async function benchQueries(pool: pg.Pool): Promise<BenchQuery[]> {
  const ids = async (sql: string, params: unknown[]) => (await pool.query<{ id: string }>(sql, params)).rows[0]!.id;
  const kitchen = await ids(`SELECT id FROM categories WHERE name = $1`, ["Kitchen"]);
  const knitwear = await ids(`SELECT id FROM categories WHERE name = $1`, ["Knitwear"]);
  const shop = await ids(`SELECT id FROM shops WHERE status = 'ACTIVE' ORDER BY name LIMIT 1`, []);
  const [newest, price] = [await deepCursor(pool, "newest"), await deepCursor(pool, "price_asc")];
  return [
    { key: "text", title: 'text: "stoneware mug"', input: { q: "stoneware mug" }, load: true },
    { key: "typo", title: 'misspelt: "stonewear mug" (trigram fallback)', input: { q: "stonewear mug" }, load: true },
    {
      key: "filtered",
      title: "filtered: Kitchen (+ subcategories), $10–50, in stock, price ↑",
      input: { categoryId: kitchen, minPriceCents: 1000, maxPriceCents: 5000, inStock: true, sort: "price_asc" },
      load: true,
    },
    { key: "browse", title: "no query, no filter (first page, newest)", input: {}, load: true },
    { key: "deep-newest", title: `deep cursor: newest, page ${DEEP_PAGES + 1}`, input: { sort: "newest", cursor: newest }, load: true },
    { key: "deep-price", title: `deep cursor: price ↑, page ${DEEP_PAGES + 1}`, input: { sort: "price_asc", cursor: price }, load: true },
    // Broad: one word found in about 8% of the catalog. Their first pages come from the result
    // cache once computed (once per catalog version); the statements table gives both costs.
    { key: "broad", title: 'broad: "wool" (8% of the catalog), relevance', input: { q: "wool" }, load: true },
    { key: "broad-filtered", title: 'broad: "wool", Knitwear, in stock, relevance', input: { q: "wool", categoryId: knitwear, inStock: true }, load: true },
    { key: "broad-price", title: 'broad: "wool", price ↑', input: { q: "wool", sort: "price_asc" }, load: true },
    { key: "broad-price-filtered", title: 'broad: "wool", $25–100, price ↑', input: { q: "wool", minPriceCents: 2500, maxPriceCents: 9999, sort: "price_asc" }, load: true },
    { key: "broad-browser", title: 'broad: "wool", asked by a browser (brotli)', input: { q: "wool" }, load: true, headers: BROWSER_ENCODINGS },
    // Explained only.
    { key: "mug", title: 'broad text: "mug"', input: { q: "mug" }, load: false },
    { key: "one-typo", title: 'one misspelt word: "beenie"', input: { q: "beenie" }, load: false },
    { key: "shop", title: "a shop's products (newest)", input: { shopId: shop }, load: false },
    { key: "price-desc", title: "no query, price ↓ (first page)", input: { sort: "price_desc" }, load: false },
    { key: "rated", title: "no query, rating ≥ 4, by rating", input: { minRating: 4, sort: "rating" }, load: false },
  ];
}

export interface CapturedStatement {
  /** What the statement is for, as the tables name it. */
  role: string;
  statement: Prisma.Sql;
}

/** The role of a statement `runSearch` ran, from its text. */
function roleOf(text: string, cached: boolean): string {
  if (text.includes("WITH ORDINALITY")) return "cached page (every request)";
  if (!text.includes("AS items")) return text.includes("catalog_search_version") ? "version (before computing)" : "facets (cached: once per TTL per filter set)";
  if (text.includes("FROM counts")) return cached ? "page + facets (once per catalog version)" : "page + facets";
  return "page";
}

/**
 * The statements of `input`, captured from `runSearch` with fresh caches: a first page without a
 * query shows its page and its facets statement; a first page with one shows what computing it
 * for the cache runs (the version, then page + facets), and then what every later request runs
 * (the cached page).
 */
export async function capture(pool: pg.Pool, input: Record<string, unknown>): Promise<CapturedStatement[]> {
  const seen: CapturedStatement[] = [];
  const caches = { facets: new FacetCache<KeptFacets>(), results: new ResultCache() };
  const parsed = catalogSearchInput.parse(input);
  const cached = parsed.q !== undefined && parsed.q.trim() !== "" && parsed.cursor === undefined;
  for (let pass = 0; pass < (cached ? 2 : 1); pass++) {
    await runSearch(
      async (s) => {
        seen.push({ role: roleOf(s.text, cached), statement: s });
        return (await pool.query(s.text, s.values)).rows;
      },
      parsed,
      caches,
    );
  }
  return seen;
}
