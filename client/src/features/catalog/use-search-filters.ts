import { CATALOG_QUERY_MAX_LENGTH, CATALOG_SORTS, type CatalogSort } from "@marketplace/shared";
import { computed } from "vue";
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from "vue-router";
import { formatMoneyInput, parseMoneyInput } from "../../lib/money.ts";
import type { SearchFilters } from "./use-catalog.ts";

/**
 * The search's filters live in the URL, so a result page can be shared, reloaded and reached
 * with the back button: `?q=mug&category=…&shop=…&min=10&max=25&rating=4&stock=1&sort=price_asc`.
 * Prices are in major units there (what people read), cents in the API. Unknown or malformed
 * values are dropped, never sent.
 */
const one = (v: LocationQuery[string] | undefined): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "").trim();

export function filtersFromQuery(query: LocationQuery): SearchFilters {
  const q = one(query.q).slice(0, CATALOG_QUERY_MAX_LENGTH);
  const category = one(query.category).slice(0, 64);
  const shop = one(query.shop).slice(0, 64);
  const min = parseMoneyInput(one(query.min));
  const max = parseMoneyInput(one(query.max));
  const rating = Number(one(query.rating));
  const sort = one(query.sort) as CatalogSort;
  const f: SearchFilters = {};
  if (q) f.q = q;
  if (category) f.categoryId = category;
  if (shop) f.shopId = shop;
  if (min !== null) f.minPriceCents = min;
  if (max !== null && (min === null || max >= min)) f.maxPriceCents = max;
  if (Number.isInteger(rating) && rating >= 1 && rating <= 5) f.minRating = rating;
  if (one(query.stock) === "1") f.inStock = true;
  if ((CATALOG_SORTS as readonly string[]).includes(sort)) f.sort = sort;
  return f;
}

export function queryFromFilters(f: SearchFilters): LocationQueryRaw {
  const query: Record<string, string> = {};
  if (f.q) query.q = f.q;
  if (f.categoryId) query.category = f.categoryId;
  if (f.shopId) query.shop = f.shopId;
  if (f.minPriceCents !== undefined) query.min = trimZeros(formatMoneyInput(f.minPriceCents));
  if (f.maxPriceCents !== undefined) query.max = trimZeros(formatMoneyInput(f.maxPriceCents));
  if (f.minRating !== undefined) query.rating = String(f.minRating);
  if (f.inStock) query.stock = "1";
  if (f.sort) query.sort = f.sort;
  return query;
}

/** "10.00" → "10" for tidier URLs; "9.99" stays. */
const trimZeros = (s: string) => s.replace(/\.00$/, "");

export function useSearchFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed(() => filtersFromQuery(route.query));

  /** Applies a change as a new history entry (the back button undoes it). */
  function update(patch: Partial<Record<keyof SearchFilters, unknown>>) {
    const next = { ...filters.value } as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === "" || v === false) delete next[k];
      else next[k] = v;
    }
    void router.push({ path: "/search", query: queryFromFilters(next as SearchFilters) });
  }

  /** Everything but the query text. */
  function clear() {
    void router.push({ path: "/search", query: filters.value.q ? { q: filters.value.q } : {} });
  }

  const activeCount = computed(() => {
    const f = filters.value;
    return [f.categoryId, f.shopId, f.minPriceCents ?? f.maxPriceCents, f.minRating, f.inStock].filter((v) => v !== undefined).length;
  });

  return { filters, update, clear, activeCount };
}
