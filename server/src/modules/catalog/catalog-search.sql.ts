import { CATALOG_PRICE_BUCKETS, CATALOG_RATING_BUCKETS } from "@marketplace/shared";
import { Prisma } from "../../generated/prisma/client.ts";
import type { SearchCursor, SearchOrder } from "./catalog-cursor.ts";

/**
 * The SQL of `catalog.search`. Two statements, both parameterised (`Prisma.Sql`; `.text` and
 * `.values` give the same statement to node-postgres):
 *
 * - `searchStatement(plan, { facets })`: the page of items and, on a first page, every facet.
 * - `facetsStatement(plan)`: the facets alone, for a search without a query (the service caches
 *   them for a few seconds and reads the page with `searchStatement(plan, { facets: false })`).
 *
 * Every product figure the search needs is a column of `products`: its lowest and highest variant
 * price and whether a variant is in stock (`min_price_cents`, `max_price_cents`, `in_stock`, kept
 * right by a trigger on variants; see migration 20261127020000_catalog_denormalized). A product is
 * listed when it is ACTIVE, of an ACTIVE shop, and has a variant (`min_price_cents IS NOT NULL`).
 *
 * Their shape:
 *
 * 1. `closure`: (ancestor, category) pairs of the category tree (each category is its own
 *    ancestor), for the category filter (a category with all its descendants) and the rolled-up
 *    category facet. `UNION` rather than `UNION ALL` so that a cycle cannot loop forever.
 * 2. `candidates`: the listed products matching the query and the shop filter, with one boolean
 *    per remaining filter (`cat_ok`, `price_ok`, `rating_ok`, `stock_ok`). Those filters are
 *    flags, not conditions, because each facet counts with every filter but its own.
 *    With a query: full-text hits (tier 0, ranked by `ts_rank_cd`, title weight A > description B);
 *    when fewer than `FUZZY_BELOW` of them pass every filter, also trigram title matches
 *    (tier 1, ranked by word similarity) that full text did not find, after all of them.
 * 3. The page: candidates passing every filter, after the cursor, in the sort order, limit + 1.
 *    Without a query it is read straight off `products` (the same rows as the candidates), so that
 *    the planner walks the index of the sort — (status, created_at DESC, id), (status, rating_score
 *    DESC, rating_count DESC, id) or (status, min_price_cents, id), backwards for price_desc — and
 *    stops after the page, cursor pages included.
 * 4. The facets (first pages only): one aggregate pass over the candidates, and the category
 *    counts per ancestor.
 *
 * Price range: a product matches when at least one of its variants is within the range (a mug
 * sold at 12 and 30 matches "25 to 50"), while its card, its price sort and its price bucket use
 * its lowest variant price. The denormalised lowest and highest prices decide almost every
 * product; only one whose prices straddle the whole range (lowest below it, highest above it) is
 * looked up in variants (product_id, price_cents).
 *
 * Whether trigram matches join in is decided afresh on every page; should products added between
 * two pages of a query cross the `FUZZY_BELOW` line, the later pages follow the new answer.
 */

/** Fewer full-text hits than this (after every filter) also brings in trigram title matches. */
export const FUZZY_BELOW = 10;

export interface SearchPlan {
  /** The trimmed query, or null for none. */
  q: string | null;
  /** The query's words for trigram matching (lower case, at least 3 letters, a few at most). */
  fuzzyWords: string[];
  categoryId: string | null;
  shopId: string | null;
  minPriceCents: number | null;
  maxPriceCents: number | null;
  minRating: number | null;
  inStock: boolean;
  order: SearchOrder;
  after: SearchCursor | null;
  limit: number;
}

const { sql, join, empty } = Prisma;
const TRUE = sql`TRUE`;

/**
 * The ORDER BY of each sort, always ending with the id, ascending (the cursor's tie-breaker): the
 * direction of the products indexes on (status, created_at DESC, id), (status, rating_score DESC,
 * rating_count DESC, id) and (status, min_price_cents, id). price_desc reads the last one
 * backwards and sorts the ties of each price by id (an incremental sort of a few rows).
 */
function orderBy(order: SearchOrder, c: Prisma.Sql): Prisma.Sql {
  switch (order) {
    case "newest":
      return sql`${c}.created_at DESC, ${c}.id ASC`;
    case "price_asc":
      return sql`${c}.min_price ASC, ${c}.id ASC`;
    case "price_desc":
      return sql`${c}.min_price DESC, ${c}.id ASC`;
    case "rating":
      // The Bayesian score (modules/reviews/review-figures.ts), not the plain average: one 5-star
      // review does not outrank hundreds averaging 4.8.
      return sql`${c}.rating_score DESC, ${c}.rating_count DESC, ${c}.id ASC`;
    case "relevance":
      return sql`${c}.tier ASC, ${c}.score DESC, ${c}.id ASC`;
  }
}

/**
 * Rows strictly after the cursor in `orderBy`'s order. The leading bound (e.g. `created_at <= t`)
 * is implied by the rest; it is spelled out so that an index scan can start at the cursor.
 */
function afterCursor(cur: SearchCursor | null): Prisma.Sql {
  if (!cur) return TRUE;
  const [a = 0, b = 0] = cur.k;
  const id = sql`${cur.id}::text`;
  switch (cur.s) {
    case "newest": {
      const t = sql`${new Date(a).toISOString()}::timestamptz`;
      return sql`c.created_at <= ${t} AND (c.created_at < ${t} OR c.id > ${id})`;
    }
    case "price_asc":
      // A row comparison: the whole condition is an index bound on (status, min_price_cents, id).
      return sql`(c.min_price, c.id) > (${a}::int, ${id})`;
    case "price_desc":
      return sql`c.min_price <= ${a}::int AND (c.min_price < ${a}::int OR c.id > ${id})`;
    case "rating": {
      const key = sql`(${a}::float8, ${b}::int)`;
      return sql`c.rating_score <= ${a}::float8
        AND ((c.rating_score, c.rating_count) < ${key} OR ((c.rating_score, c.rating_count) = ${key} AND c.id > ${id}))`;
    }
    case "relevance":
      return sql`c.tier >= ${a}::int
        AND (c.tier > ${a}::int OR c.score < ${b}::float8 OR (c.score = ${b}::float8 AND c.id > ${id}))`;
  }
}

/**
 * Whether a product (`p`) has a variant within the price range. Some variant is within [lo, hi]
 * only if the lowest price is at most hi and the highest at least lo; then the lowest (when at
 * least lo) or the highest (when at most hi) is one. Only when both fall outside (lowest < lo,
 * highest > hi) do the variants in between need a look.
 */
function priceInRange(plan: SearchPlan): Prisma.Sql {
  const lo = plan.minPriceCents;
  const hi = plan.maxPriceCents;
  if (lo === null && hi === null) return TRUE;
  if (lo === null) return sql`p.min_price_cents <= ${hi}::int`;
  if (hi === null) return sql`p.max_price_cents >= ${lo}::int`;
  // The look-up is a scalar subquery, not EXISTS: the planner may turn an EXISTS under OR into
  // a hash of every variant in the range (tens of thousands of rows) built for each statement.
  return sql`(p.min_price_cents <= ${hi}::int AND p.max_price_cents >= ${lo}::int
    AND (p.min_price_cents >= ${lo}::int OR p.max_price_cents <= ${hi}::int
         OR (SELECT TRUE FROM variants v WHERE v.product_id = p.id AND v.price_cents BETWEEN ${lo}::int AND ${hi}::int LIMIT 1)))`;
}

/** Where candidate products come from: every product, full-text hits, or trigram matches. */
interface Source {
  /** FROM items that bind `p` (products) and whatever `tier`, `score` and `where` use. */
  from: Prisma.Sql;
  tier: number;
  score: Prisma.Sql;
  where: Prisma.Sql;
}

const ALL_PRODUCTS: Source = { from: sql`products p`, tier: 0, score: sql`0`, where: TRUE };

/** Listed products of a source, with their figures and filter flags. */
function candidateRows(plan: SearchPlan, src: Source): Prisma.Sql {
  return sql`
    SELECT p.id, p.category_id, p.created_at, p.rating_avg, p.rating_count, p.rating_score,
           ${src.tier}::int AS tier, (${src.score})::float8 AS score,
           p.min_price_cents AS min_price, p.in_stock,
           ${plan.categoryId !== null ? sql`p.category_id IN (SELECT category_id FROM subtree)` : TRUE} AS cat_ok,
           ${priceInRange(plan)} AS price_ok,
           ${plan.minRating !== null ? sql`p.rating_avg >= ${plan.minRating}::float8` : TRUE} AS rating_ok,
           ${plan.inStock ? sql`p.in_stock` : TRUE} AS stock_ok
      FROM ${src.from}
      JOIN shops s ON s.id = p.shop_id
     WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' AND p.min_price_cents IS NOT NULL AND ${src.where}
       ${plan.shopId !== null ? sql`AND p.shop_id = ${plan.shopId}` : empty}`;
}

const ALL_FILTERS = sql`c.cat_ok AND c.price_ok AND c.rating_ok AND c.stock_ok`;

const CLOSURE = sql`closure (ancestor_id, category_id) AS (
      SELECT id, id FROM categories
      UNION
      SELECT cat.parent_id, cl.category_id FROM closure cl JOIN categories cat ON cat.id = cl.ancestor_id
       WHERE cat.parent_id IS NOT NULL)`;

/** `closure` and `subtree`, as far as the statement needs them. */
function categoryCtes(plan: SearchPlan, facets: boolean): Prisma.Sql[] {
  const ctes: Prisma.Sql[] = [];
  if (facets || plan.categoryId !== null) ctes.push(CLOSURE);
  if (plan.categoryId !== null) {
    ctes.push(sql`subtree AS (SELECT category_id FROM closure WHERE ancestor_id = ${plan.categoryId})`);
  }
  return ctes;
}

/** The CTEs that define `candidates` for a query: full-text hits, then trigram matches if too few. */
function queryCandidateCtes(plan: SearchPlan & { q: string }): Prisma.Sql[] {
  // ts_rank_cd's default weights rank the title (A: 1.0) above the description (B: 0.4), and
  // words close together above words far apart.
  const fullText: Source = {
    from: sql`products p CROSS JOIN websearch_to_tsquery('english', ${plan.q}) AS query`,
    tier: 0,
    score: sql`ts_rank_cd(p.search_vector, query)`,
    where: sql`p.search_vector @@ query`,
  };
  const ctes = [sql`text_hits AS MATERIALIZED (${candidateRows(plan, fullText)})`];
  if (plan.fuzzyWords.length === 0) {
    ctes.push(sql`candidates AS (SELECT * FROM text_hits)`);
    return ctes;
  }
  // The one-time filter runs the function only when full text found too few (after every filter).
  const fuzzy: Source = {
    from: sql`catalog_fuzzy_title_matches(${plan.fuzzyWords}::text[], ${FUZZY_BELOW}::int) AS f
      JOIN products p ON p.id = f.product_id`,
    tier: 1,
    score: sql`f.score`,
    where: sql`(SELECT count(*) FROM text_hits c WHERE ${ALL_FILTERS}) < ${FUZZY_BELOW}
       AND NOT EXISTS (SELECT 1 FROM text_hits t WHERE t.id = p.id)`,
  };
  ctes.push(
    sql`fuzzy_hits AS (${candidateRows(plan, fuzzy)})`,
    sql`candidates AS MATERIALIZED (SELECT * FROM text_hits UNION ALL SELECT * FROM fuzzy_hits)`,
  );
  return ctes;
}

const priceBucketCondition = (b: (typeof CATALOG_PRICE_BUCKETS)[number]) =>
  join(
    [
      b.minPriceCents !== null ? sql`c.min_price >= ${b.minPriceCents}::int` : null,
      b.maxPriceCents !== null ? sql`c.min_price <= ${b.maxPriceCents}::int` : null,
    ].filter((x): x is Prisma.Sql => x !== null),
    " AND ",
  );

/** `by_category` and `counts`: every facet in one pass over `candidates`. */
function facetCtes(): Prisma.Sql[] {
  // Each facet with every filter but its own.
  const priceBuckets = CATALOG_PRICE_BUCKETS.map(
    (b, i) => sql`count(*) FILTER (WHERE c.cat_ok AND c.rating_ok AND c.stock_ok AND ${priceBucketCondition(b)})::int
      AS ${Prisma.raw(`price_${i}`)}`,
  );
  const ratingBuckets = CATALOG_RATING_BUCKETS.map(
    (r) => sql`count(*) FILTER (WHERE c.cat_ok AND c.price_ok AND c.stock_ok AND c.rating_avg >= ${r}::float8)::int
      AS ${Prisma.raw(`rating_${r}`)}`,
  );
  const sums = [...priceBuckets.keys()]
    .map((i) => `price_${i}`)
    .concat(CATALOG_RATING_BUCKETS.map((r) => `rating_${r}`))
    .map((col) => Prisma.raw(`coalesce(sum(b.${col}), 0)::int AS ${col}`));
  return [
    // cat_ok only depends on the category, so per-category partial counts add up to the totals,
    // and roll up the tree for the category facet.
    sql`by_category AS (
      SELECT c.category_id,
             count(*) FILTER (WHERE c.price_ok AND c.rating_ok AND c.stock_ok)::int AS category_count,
             count(*) FILTER (WHERE ${ALL_FILTERS})::int AS total,
             count(*) FILTER (WHERE c.cat_ok AND c.price_ok AND c.rating_ok AND c.in_stock)::int AS in_stock,
             ${join(priceBuckets, ",\n")},
             ${join(ratingBuckets, ",\n")}
        FROM candidates c
       GROUP BY c.category_id
    )`,
    sql`counts AS (
      SELECT coalesce(sum(b.total), 0)::int AS total, coalesce(sum(b.in_stock), 0)::int AS in_stock,
             ${join(sums, ",\n")}
        FROM by_category b
    )`,
  ];
}

/**
 * Every listed product as a candidate, for the facets of a search without a query: read once, by
 * by_category. `OFFSET 0` keeps the subquery whole, so each flag is computed once per product
 * (inlined, each of the dozen FILTER clauses would evaluate its own copy), and the rows stream
 * into the aggregate instead of being stored as a MATERIALIZED CTE would.
 */
function allCandidates(plan: SearchPlan): Prisma.Sql {
  return sql`candidates AS (SELECT * FROM (${candidateRows(plan, ALL_PRODUCTS)} OFFSET 0) x)`;
}

/** The facet columns of the result row (with `FROM counts`): the counts and `categories` (JSON). */
const FACET_COLUMNS = sql`counts.*,
      (SELECT coalesce(json_agg(json_build_object(
                'id', cat.id, 'name', cat.name, 'slug', cat.slug, 'parentId', cat.parent_id, 'count', x.n
              ) ORDER BY cat.position, cat.name, cat.id), '[]'::json)
         FROM (SELECT cl.ancestor_id, sum(b.category_count)::int AS n
                 FROM by_category b JOIN closure cl ON cl.category_id = b.category_id
                GROUP BY cl.ancestor_id HAVING sum(b.category_count) > 0) x
         JOIN categories cat ON cat.id = x.ancestor_id) AS categories`;

/**
 * The cards of `page` (a CTE with the candidates' columns: id, min_price, rating_avg,
 * rating_count, rating_score, in_stock, created_at, tier, score) as one JSON array in `order`.
 * Shared by the search and the cached first page (catalog-search-cached.sql.ts), so that both
 * build the very same cards.
 */
export function pageItems(order: Prisma.Sql): Prisma.Sql {
  return sql`(SELECT coalesce(json_agg(json_build_object(
                'id', c.id, 'title', p.title, 'slug', p.slug, 'priceCents', c.min_price, 'currency', cheapest.currency,
                'image', CASE WHEN img.url IS NULL THEN NULL ELSE json_build_object('url', img.url, 'alt', img.alt) END,
                'shop', json_build_object('id', s.id, 'name', s.name, 'slug', s.slug),
                'ratingAvg', c.rating_avg, 'ratingCount', c.rating_count, 'ratingScore', c.rating_score, 'inStock', c.in_stock,
                'createdAt', c.created_at, 'tier', c.tier, 'score', c.score
              ) ORDER BY ${order}), '[]'::json)
         FROM page c
         JOIN products p ON p.id = c.id
         JOIN shops s ON s.id = p.shop_id
         LEFT JOIN LATERAL (SELECT i.url, i.alt FROM product_images i WHERE i.product_id = c.id
                             ORDER BY i.position, i.id LIMIT 1) img ON TRUE
         LEFT JOIN LATERAL (SELECT v.currency FROM variants v WHERE v.product_id = c.id
                             ORDER BY v.price_cents, v.position, v.id LIMIT 1) cheapest ON TRUE)`;
}

/**
 * The page of items and, with `facets`, every facet. One row: `items` (JSON, up to limit + 1),
 * and with facets the counts (`total`, `in_stock`, `price_<i>`, `rating_<r>`) and `categories`
 * (JSON).
 */
export function searchStatement(plan: SearchPlan, opts: { facets: boolean }): Prisma.Sql {
  const ctes = categoryCtes(plan, opts.facets);
  if (plan.q !== null) {
    ctes.push(...queryCandidateCtes({ ...plan, q: plan.q }));
  } else if (opts.facets) {
    ctes.push(allCandidates(plan));
  }
  const pageFrom = plan.q !== null ? sql`candidates` : sql`(${candidateRows(plan, ALL_PRODUCTS)})`;
  ctes.push(sql`page AS (
      SELECT c.* FROM ${pageFrom} c
       WHERE ${ALL_FILTERS} AND ${afterCursor(plan.after)}
       ORDER BY ${orderBy(plan.order, sql`c`)}
       LIMIT ${plan.limit + 1}::int
    )`);
  if (opts.facets) ctes.push(...facetCtes());
  return sql`
    WITH RECURSIVE ${join(ctes, ",\n")}
    SELECT ${pageItems(orderBy(plan.order, sql`c`))} AS items
      ${opts.facets ? sql`, ${FACET_COLUMNS} FROM counts` : empty}`;
}

/**
 * The facets of a search without a query, alone (one pass over the listed products): the same
 * columns as `searchStatement`'s facets.
 */
export function facetsStatement(plan: SearchPlan): Prisma.Sql {
  if (plan.q !== null) throw new Error("facetsStatement: a query's facets come with its page (searchStatement)");
  const ctes = [...categoryCtes(plan, true), allCandidates(plan), ...facetCtes()];
  return sql`
    WITH RECURSIVE ${join(ctes, ",\n")}
    SELECT ${FACET_COLUMNS} FROM counts`;
}
