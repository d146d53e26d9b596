import { Prisma } from "../../generated/prisma/client.ts";
import { pageItems } from "./catalog-search.sql.ts";

/**
 * The statements of a search's first page read from the result cache (catalog-result-cache.ts).
 *
 * The catalog's search version (migration 20261207010000_catalog_search_version) moves with every
 * statement that writes products (prices and stock included, through the variants trigger),
 * shops or categories. A cached first page keeps the version it was computed at; the statement
 * that reads its cards reads the current version in the same snapshot, and the service uses the
 * cards only if the two agree (nothing a search depends on has changed since). The cards
 * themselves (titles, prices, images, ratings) are always read live.
 */

const { sql } = Prisma;

/**
 * The current version, as text: the database's name and the sequence's value, so that databases
 * sharing one Redis (tests, staging beside production) never take each other's entries for theirs.
 */
const VERSION = sql`(SELECT current_database() || ':' || last_value FROM catalog_search_version)`;

/** The current version alone. Read before a search is computed for the cache. */
export const versionStatement: Prisma.Sql = sql`SELECT ${VERSION} AS version`;

/** One result of a cached first page: its id and the relevance keys the cursor carries. */
export interface CachedRow {
  id: string;
  tier: number;
  score: number;
}

/**
 * The cards of `rows`, in their order, and the current version. One row: `version` (text) and
 * `items` (JSON, the same cards as `searchStatement` builds).
 */
export function cachedPageStatement(rows: CachedRow[]): Prisma.Sql {
  const ids = rows.map((r) => r.id);
  const tiers = rows.map((r) => r.tier);
  const scores = rows.map((r) => r.score);
  return sql`
    WITH page AS (
      SELECT p.id, p.created_at, p.rating_avg, p.rating_count, p.rating_score, u.tier, u.score,
             p.min_price_cents AS min_price, p.in_stock, u.ord
        FROM unnest(${ids}::text[], ${tiers}::int[], ${scores}::float8[]) WITH ORDINALITY AS u (id, tier, score, ord)
        JOIN products p ON p.id = u.id
    )
    SELECT ${VERSION} AS version, ${pageItems(sql`c.ord`)} AS items`;
}
