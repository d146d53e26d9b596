import { CATALOG_PRICE_BUCKETS, CATALOG_RATING_BUCKETS, type CatalogSearchInput, type CatalogSort } from "@marketplace/shared";
import type { Db } from "../../db/client.ts";
import { FUZZY_BELOW } from "./catalog-search.sql.ts";
import { fuzzyWords } from "./catalog-search.service.ts";

/**
 * The brute-force answer to a search, for tests: every product loaded into memory, and the
 * filters, facets, fallback rule and sorts applied in plain TypeScript. Only text matching itself
 * (which products full text and trigrams find, and their scores) is asked of PostgreSQL.
 */
export interface Row {
  id: string;
  title: string;
  categoryId: string;
  shopId: string;
  listed: boolean;
  createdAt: number;
  ratingAvg: number;
  ratingCount: number;
  ratingScore: number;
  minPrice: number;
  prices: number[];
  inStock: boolean;
}

export interface Snapshot {
  rows: Row[];
  /** category id → the ids of it and all its descendants. */
  subtree: Map<string, Set<string>>;
  categories: { id: string; parentId: string | null }[];
}

export async function takeSnapshot(db: Db): Promise<Snapshot> {
  const products = await db.product.findMany({
    select: {
      id: true,
      title: true,
      categoryId: true,
      shopId: true,
      status: true,
      createdAt: true,
      ratingAvg: true,
      ratingCount: true,
      ratingScore: true,
      shop: { select: { status: true } },
      variants: { select: { priceCents: true, stock: true } },
    },
  });
  const rows = products.map((p) => ({
    id: p.id,
    title: p.title,
    categoryId: p.categoryId,
    shopId: p.shopId,
    listed: p.status === "ACTIVE" && p.shop.status === "ACTIVE" && p.variants.length > 0,
    createdAt: p.createdAt.getTime(),
    ratingAvg: p.ratingAvg,
    ratingCount: p.ratingCount,
    ratingScore: p.ratingScore,
    minPrice: Math.min(...p.variants.map((v) => v.priceCents)),
    prices: p.variants.map((v) => v.priceCents),
    inStock: p.variants.some((v) => v.stock > 0),
  }));
  const categories = await db.category.findMany({ select: { id: true, parentId: true } });
  const subtree = new Map<string, Set<string>>();
  for (const c of categories) {
    const ids = new Set([c.id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const d of categories) {
        if (d.parentId && ids.has(d.parentId) && !ids.has(d.id)) {
          ids.add(d.id);
          grew = true;
        }
      }
    }
    subtree.set(c.id, ids);
  }
  return { rows, subtree, categories };
}

/** What PostgreSQL's text search finds for a query: full-text and trigram scores by id. */
export interface TextMatches {
  fullText: Map<string, number>;
  fuzzy: Map<string, number>;
}

export async function textMatches(db: Db, q: string): Promise<TextMatches> {
  const fullText = await db.$queryRaw<{ id: string; score: number }[]>`
    SELECT id, ts_rank_cd(search_vector, websearch_to_tsquery('english', ${q}))::float8 AS score
      FROM products WHERE search_vector @@ websearch_to_tsquery('english', ${q})`;
  const words = fuzzyWords(q);
  const fuzzy = words.length
    ? await db.$queryRaw<{ id: string; score: number }[]>`
        SELECT product_id AS id, score FROM catalog_fuzzy_title_matches(${words}::text[], ${FUZZY_BELOW}::int)`
    : [];
  return { fullText: new Map(fullText.map((r) => [r.id, r.score])), fuzzy: new Map(fuzzy.map((r) => [r.id, r.score])) };
}

type Filters = Omit<CatalogSearchInput, "cursor" | "limit" | "sort">;

const inRange = (f: Filters) => (r: Row) =>
  r.prices.some((p) => (f.minPriceCents === undefined || p >= f.minPriceCents) && (f.maxPriceCents === undefined || p <= f.maxPriceCents));

/** Sort keys: newest, price, rating and relevance as the contract defines them, ties by id ascending. */
function compare(order: CatalogSort, score: Map<string, [number, number]>) {
  const byId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return (a: Row, b: Row): number => {
    switch (order) {
      case "newest":
        return b.createdAt - a.createdAt || byId(a, b);
      case "price_asc":
        return a.minPrice - b.minPrice || byId(a, b);
      case "price_desc":
        return b.minPrice - a.minPrice || byId(a, b);
      case "rating":
        return b.ratingScore - a.ratingScore || b.ratingCount - a.ratingCount || byId(a, b);
      case "relevance": {
        const [ta, sa] = score.get(a.id)!;
        const [tb, sb] = score.get(b.id)!;
        return ta - tb || sb - sa || byId(a, b);
      }
    }
  };
}

/** The ids a search should list, in order, and its facets, computed the slow obvious way. */
export function bruteForce(snap: Snapshot, input: Filters & { sort?: CatalogSort }, text?: TextMatches) {
  const q = input.q?.trim() ? input.q.trim() : undefined;
  const sort: CatalogSort = !input.sort || input.sort === "relevance" ? (q ? "relevance" : "newest") : input.sort;
  const catOk = (r: Row) => !input.categoryId || (snap.subtree.get(input.categoryId)?.has(r.categoryId) ?? false);
  const priceOk = inRange(input);
  const ratingOk = (r: Row) => input.minRating === undefined || r.ratingAvg >= input.minRating;
  const stockOk = (r: Row) => !input.inStock || r.inStock;
  const all = (r: Row) => catOk(r) && priceOk(r) && ratingOk(r) && stockOk(r);

  let base = snap.rows.filter((r) => r.listed && (!input.shopId || r.shopId === input.shopId));
  const score = new Map<string, [number, number]>();
  if (q) {
    if (!text) throw new Error("a query needs its text matches");
    const fullText = base.filter((r) => text.fullText.has(r.id));
    for (const r of fullText) score.set(r.id, [0, text.fullText.get(r.id)!]);
    if (fullText.filter(all).length < FUZZY_BELOW) {
      for (const r of base) if (text.fuzzy.has(r.id) && !score.has(r.id)) score.set(r.id, [1, text.fuzzy.get(r.id)!]);
    }
    base = base.filter((r) => score.has(r.id));
  }
  const ids = base
    .filter(all)
    .sort(compare(sort, score))
    .map((r) => r.id);

  const forCategories = base.filter((r) => priceOk(r) && ratingOk(r) && stockOk(r));
  const categories = new Map<string, number>();
  for (const [id, members] of snap.subtree) {
    const n = forCategories.filter((r) => members.has(r.categoryId)).length;
    if (n > 0) categories.set(id, n);
  }
  const forPrice = base.filter((r) => catOk(r) && ratingOk(r) && stockOk(r));
  const forRating = base.filter((r) => catOk(r) && priceOk(r) && stockOk(r));
  return {
    sort,
    ids,
    facets: {
      total: ids.length,
      categories,
      price: CATALOG_PRICE_BUCKETS.map(
        (b) =>
          forPrice.filter((r) => (b.minPriceCents === null || r.minPrice >= b.minPriceCents) && (b.maxPriceCents === null || r.minPrice <= b.maxPriceCents))
            .length,
      ),
      rating: CATALOG_RATING_BUCKETS.map((x) => forRating.filter((r) => r.ratingAvg >= x).length),
      inStock: base.filter((r) => catOk(r) && priceOk(r) && ratingOk(r) && r.inStock).length,
    },
  };
}
