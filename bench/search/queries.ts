/**
 * The searches the benchmark drives, resolved against the seeded catalog (category ids, deep
 * cursors), and the statements each one runs, captured from the catalog module itself.
 */
import type pg from "pg";
import { catalogSearchInput, type CatalogSearchFacets } from "@marketplace/shared";
import type { Prisma } from "../../server/src/generated/prisma/client.ts";
import { FacetCache } from "../../server/src/modules/catalog/catalog-facet-cache.ts";
import { runSearch, type SearchResult } from "../../server/src/modules/catalog/catalog-search.service.ts";

export interface BenchQuery {
  key: string;
  /** What the table calls it. */
  title: string;
  /** `catalog.search`'s input, as a client sends it. */
  input: Record<string, unknown>;
  /** Load-tested, or only explained. */
  load: boolean;
}

/** Pages followed to reach the deep cursors. */
export const DEEP_PAGES = 20;

/** Runs a search in this process through node-postgres, as the raw server does. */
export function searchWith(pool: pg.Pool, input: Record<string, unknown>, cache: FacetCache<CatalogSearchFacets> | null = null): Promise<SearchResult> {
  return runSearch(async (s) => (await pool.query(s.text, s.values)).rows, catalogSearchInput.parse(input), cache);
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
    // Explained only.
    { key: "broad", title: 'broad text: "mug"', input: { q: "mug" }, load: false },
    { key: "one-typo", title: 'one misspelt word: "beenie"', input: { q: "beenie" }, load: false },
    { key: "shop", title: "a shop's products (newest)", input: { shopId: shop }, load: false },
    { key: "price-desc", title: "no query, price ↓ (first page)", input: { sort: "price_desc" }, load: false },
    { key: "rated", title: "no query, rating ≥ 4, by rating", input: { minRating: 4, sort: "rating" }, load: false },
  ];
}

export interface CapturedStatement {
  /** "page + facets", "page" or "facets". */
  role: string;
  statement: Prisma.Sql;
}

/**
 * The statements one request of `input` runs, in order, captured from `runSearch` (a fresh facet
 * cache: a first page without a query shows both its page and its facets statement).
 */
export async function capture(pool: pg.Pool, input: Record<string, unknown>): Promise<CapturedStatement[]> {
  const seen: CapturedStatement[] = [];
  await runSearch(
    async (s) => {
      const text = s.text;
      const role = !text.includes("AS items") ? "facets" : text.includes("FROM counts") ? "page + facets" : "page";
      seen.push({ role, statement: s });
      return (await pool.query(text, s.values)).rows;
    },
    catalogSearchInput.parse(input),
    new FacetCache<CatalogSearchFacets>(),
  );
  return seen;
}
