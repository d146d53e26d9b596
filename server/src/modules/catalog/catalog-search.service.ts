import { CATALOG_PRICE_BUCKETS, CATALOG_RATING_BUCKETS, type CatalogSearchInput } from "@marketplace/shared";
import type { Context } from "../../trpc/context.ts";
import { decodeSearchCursor, encodeSearchCursor, queryFingerprint, type SearchCursor, type SearchOrder } from "./catalog-cursor.ts";
import { searchStatement, type SearchPlan } from "./catalog-search.sql.ts";

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
  inStock: boolean;
  createdAt: string;
  tier: number;
  score: number;
}

type BucketColumns = { [K in `price_${0 | 1 | 2 | 3 | 4}` | `rating_${(typeof CATALOG_RATING_BUCKETS)[number]}`]: number };

type SearchRow = BucketColumns & {
  items: ItemJson[];
  total: number;
  in_stock: number;
  categories: { id: string; name: string; slug: string; parentId: string | null; count: number }[];
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
      return { s: order, k: [item.ratingAvg, item.ratingCount], id: item.id };
    case "relevance":
      return { s: order, k: [item.tier, item.score], id: item.id, q: queryFingerprint(q ?? "") };
  }
}

/**
 * `catalog.search`: a page of product cards over the listed products (ACTIVE, of ACTIVE shops),
 * the cursor of the next page, and the facets of the whole result set. One SQL statement;
 * see catalog-search.sql.ts for how it finds, filters, ranks and counts.
 *
 * Facets follow the usual convention: each counts over the query and every filter except its own
 * (the category counts ignore the category filter, the price buckets the price range, and so on),
 * so a facet's count says how many results choosing that value would give, other choices kept.
 * `facets.total` counts the results with every filter.
 */
export async function search(ctx: Context, input: CatalogSearchInput) {
  const q = input.q ? input.q : null;
  const order: SearchOrder = input.sort === undefined || input.sort === "relevance" ? (q ? "relevance" : "newest") : input.sort;
  const plan: SearchPlan = {
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
  const [row] = await ctx.db.$queryRaw<SearchRow[]>(searchStatement(plan));
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
    nextCursor: row.items.length > input.limit && last ? encodeSearchCursor(cursorAfter(last, order, q)) : null,
    /** The order the page is in (`relevance` asked without a query runs as `newest`). */
    sort: order,
    facets: {
      total: row.total,
      categories: row.categories,
      price: CATALOG_PRICE_BUCKETS.map((b, i) => ({ ...b, count: row[`price_${i as 0 | 1 | 2 | 3 | 4}`] })),
      rating: CATALOG_RATING_BUCKETS.map((r) => ({ minRating: r, count: row[`rating_${r}`] })),
      inStock: row.in_stock,
    },
  };
}
export type CatalogSearchResult = Awaited<ReturnType<typeof search>>;
