import { z } from "zod";
import { byIdInput, idSchema, text } from "./common.ts";

export const catalogNewestInput = z.strictObject({
  limit: z.number().int().min(1).max(48).default(24),
});
export type CatalogNewestInput = z.infer<typeof catalogNewestInput>;

/**
 * Search orders. `relevance` is the default when there is a query and means `newest` when there
 * is none; every order ends with the product id, so keyset pages never repeat or skip a product.
 */
export const CATALOG_SORTS = ["relevance", "price_asc", "price_desc", "rating", "newest"] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];
export const catalogSortSchema = z.enum(CATALOG_SORTS);

export const CATALOG_QUERY_MAX_LENGTH = 200;
export const CATALOG_PAGE_SIZE = 24;
export const CATALOG_PAGE_SIZE_MAX = 48;

const priceCents = z.number().int("Whole cents only").min(0, "A price cannot be negative").max(100_000_000, "A price can be at most 1,000,000.00");

/**
 * `catalog.search`. Filters narrow the results; `inStock: false` is the same as leaving it out
 * (no "out of stock only" filter). A product matches the price range when at least one of its
 * variants does. An empty or blank `q` means no query.
 */
export const catalogSearchInput = z
  .strictObject({
    q: text().trim().max(CATALOG_QUERY_MAX_LENGTH, `Use at most ${CATALOG_QUERY_MAX_LENGTH} characters`).optional(),
    categoryId: idSchema.optional(),
    shopId: idSchema.optional(),
    minPriceCents: priceCents.optional(),
    maxPriceCents: priceCents.optional(),
    minRating: z.number().min(0, "From 0 to 5").max(5, "From 0 to 5").optional(),
    inStock: z.boolean().optional(),
    sort: catalogSortSchema.optional(),
    cursor: text().max(500).optional(),
    limit: z.number().int().min(1).max(CATALOG_PAGE_SIZE_MAX).default(CATALOG_PAGE_SIZE),
  })
  .refine((v) => v.minPriceCents === undefined || v.maxPriceCents === undefined || v.minPriceCents <= v.maxPriceCents, {
    path: ["maxPriceCents"],
    message: "The maximum price must not be below the minimum",
  });
export type CatalogSearchInput = z.infer<typeof catalogSearchInput>;

/** `catalog.product {id}`. */
export const catalogProductInput = byIdInput;
export type CatalogProductInput = z.infer<typeof catalogProductInput>;

/**
 * The fixed price buckets of the search facets, in minor units with inclusive bounds (so that a
 * bucket's bounds can be sent back as `minPriceCents`/`maxPriceCents`): under 10, 10–25, 25–50,
 * 50–100 and 100 or more major units. A product counts in the bucket of its lowest variant price.
 */
export const CATALOG_PRICE_BUCKETS = [
  { minPriceCents: null, maxPriceCents: 999 },
  { minPriceCents: 1000, maxPriceCents: 2499 },
  { minPriceCents: 2500, maxPriceCents: 4999 },
  { minPriceCents: 5000, maxPriceCents: 9999 },
  { minPriceCents: 10000, maxPriceCents: null },
] as const satisfies readonly { minPriceCents: number | null; maxPriceCents: number | null }[];

/** The rating facet's thresholds: products rated at least this much on average. */
export const CATALOG_RATING_BUCKETS = [4, 3, 2, 1] as const;

/**
 * The facets of a search, each counted over the query and every filter except its own. Only the
 * first page of a search carries them (`catalog.search` answers `facets: null` with a cursor): they
 * describe the whole result set, and reading them again for every page would cost a pass over it.
 */
export interface CatalogSearchFacets {
  /** Results with every filter. */
  total: number;
  /** Categories with results (a category counts its descendants), siblings by position then name. */
  categories: { id: string; name: string; slug: string; parentId: string | null; count: number }[];
  /** `CATALOG_PRICE_BUCKETS` in order, by lowest variant price. */
  price: { minPriceCents: number | null; maxPriceCents: number | null; count: number }[];
  /** `CATALOG_RATING_BUCKETS` in order. */
  rating: { minRating: number; count: number }[];
  /** Results that are in stock (the in-stock filter's count). */
  inStock: number;
}
