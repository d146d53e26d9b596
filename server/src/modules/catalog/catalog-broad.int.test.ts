import type { CatalogSearchInput } from "@marketplace/shared";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisCacheStore } from "../../lib/shared-cache-store.ts";
import { makeProduct } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { buildCatalogFixture, type CatalogFixture } from "./catalog-fixture.ts";
import { bruteForce, takeSnapshot, textMatches } from "./catalog-oracle.ts";
import { CACHED_ROWS, ResultCache, resultCacheFor } from "./catalog-result-cache.ts";
import { resultKey, runSearch, searchPlan, type RunSql } from "./catalog-search.service.ts";

/**
 * Broad queries (a word most of the catalog has) and the result cache that serves their first
 * pages: every answer, from the cache or not, is the brute-force answer of the catalog as it is
 * at that moment, also right after a product is added or changed.
 *
 * "batches" is in the description of every generated product of the fixture ("Made in small
 * batches."), so it finds more products than a cache entry keeps (CACHED_ROWS), all with the same
 * score: the order within is the id's, the tie-breaker.
 */
let t: TestApp;
let fx: CatalogFixture;
let anon: Awaited<ReturnType<TestApp["anon"]>>;

beforeAll(async () => {
  t = await createTestApp();
  fx = await buildCatalogFixture(t, { generated: 110 });
  anon = await t.anon();
}, 240_000);
afterAll(() => t.close());

type Input = Omit<CatalogSearchInput, "limit" | "cursor">;

const cache = () => resultCacheFor(t.database.prisma, null);

/** Every page of a search (the first one possibly from the cache), against the brute-force answer of the catalog now. */
async function expectBruteForce(input: Input, limit: number) {
  const snap = await takeSnapshot(t.database.prisma);
  const expected = bruteForce(snap, input, await textMatches(t.database.prisma, input.q!.trim()));
  const ids: string[] = [];
  let cursor: string | undefined;
  const first = await anon.catalog.search({ ...input, limit });
  let page = first;
  for (;;) {
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    if (!cursor) break;
    page = await anon.catalog.search({ ...input, limit, cursor });
  }
  expect(ids).toEqual(expected.ids);
  const f = first.facets!;
  expect(f.total).toBe(expected.facets.total);
  expect(new Map(f.categories.map((c) => [c.id, c.count]))).toEqual(expected.facets.categories);
  expect(f.price.map((b) => b.count)).toEqual(expected.facets.price);
  expect(f.rating.map((b) => b.count)).toEqual(expected.facets.rating);
  expect(f.inStock).toBe(expected.facets.inStock);
  return { expected, first };
}

describe("broad queries", () => {
  it("finds more products than a cache entry keeps (the fixture means something)", async () => {
    const { expected } = await expectBruteForce({ q: "batches" }, 24);
    expect(expected.ids.length).toBeGreaterThan(CACHED_ROWS + 10);
  });

  const cases: [string, Input, number][] = [
    ["by relevance, ties by id", { q: "batches" }, 24],
    ["by relevance, the largest page", { q: "batches" }, 48],
    ["by relevance, with a filter", { q: "batches", inStock: true }, 24],
    ["by price", { q: "batches", sort: "price_asc" }, 24],
    ["by price, with filters", { q: "batches", sort: "price_desc", categoryId: "home", minRating: 2 }, 10],
    ["by newest", { q: "batches", sort: "newest" }, 24],
    ["in other letters and spacing (the same entry)", { q: "  BATCHES " }, 24],
  ];
  it.each(cases)("answers the same first page and facets as the full ranking, computed and then cached: %s", async (_, raw, limit) => {
    const input = raw.categoryId === "home" ? { ...raw, categoryId: fx.categories.home } : raw;
    cache().clear();
    const computed = await expectBruteForce(input, limit);
    const key = resultKey(searchPlan({ ...input, limit }));
    const entry = await cache().get(key);
    expect(entry?.rows.length).toBe(Math.min(CACHED_ROWS, computed.expected.ids.length));
    const fromCache = await expectBruteForce(input, limit);
    expect(fromCache.first).toEqual(computed.first);
  });

  it("runs one cheap statement for a cached first page, and the full search when the catalog has changed", async () => {
    const statements: string[] = [];
    const run: RunSql = (s) => {
      statements.push(s.text.includes("WITH ORDINALITY") ? "cached page" : s.text.includes("FROM counts") ? "page + facets" : "version");
      return t.deps.database.read(s);
    };
    const results = new ResultCache();
    const input = searchPlanInput({ q: "batches" });
    const a = await runSearch(run, input, { facets: null, results });
    const b = await runSearch(run, input, { facets: null, results });
    expect(b).toEqual(a);
    expect(statements).toEqual(["version", "page + facets", "cached page"]);
    await t.database.prisma.product.updateMany({ where: { id: fx.named.teaMug }, data: { ratingCount: 3 } });
    statements.length = 0;
    await runSearch(run, input, { facets: null, results });
    expect(statements).toEqual(["cached page", "version", "page + facets"]);
  });
});

const searchPlanInput = (i: Partial<CatalogSearchInput>): CatalogSearchInput => ({ limit: 24, ...i });

describe("the result cache follows the catalog", () => {
  it("lists a product added while an entry lives in the very next answer, first when it ranks first", async () => {
    const before = await expectBruteForce({ q: "batches" }, 24);
    const added = await makeProduct(t.database.prisma, fx.shops.clay, fx.categories.mugs, {
      title: "Small Batches Mug",
      description: "Thrown in small batches.",
      variants: [{ priceCents: 2000, stock: 3 }],
    });
    const after = await expectBruteForce({ q: "batches" }, 24);
    expect(after.first.items[0]?.id).toBe(added.id);
    expect(after.first.facets!.total).toBe(before.first.facets!.total + 1);
  });

  it("follows a product's stock, price and status into the facets and the page", async () => {
    await expectBruteForce({ q: "batches", inStock: true }, 24);
    const first = (await anon.catalog.search({ q: "batches", inStock: true })).items[0]!;
    const db = t.database.prisma;
    await db.variant.updateMany({ where: { productId: first.id }, data: { stock: 0 } });
    const out = await expectBruteForce({ q: "batches", inStock: true }, 24);
    expect(out.first.items.map((i) => i.id)).not.toContain(first.id);

    const priced = await expectBruteForce({ q: "batches", sort: "price_asc" }, 24);
    const cheapest = priced.first.items[0]!;
    await db.variant.updateMany({ where: { productId: priced.first.items[5]!.id }, data: { priceCents: 1 } });
    const repriced = await expectBruteForce({ q: "batches", sort: "price_asc" }, 24);
    expect(repriced.first.items[0]!.id).toBe(priced.first.items[5]!.id);
    expect(repriced.first.items[1]!.id).toBe(cheapest.id);

    await db.product.update({ where: { id: repriced.first.items[0]!.id }, data: { status: "ARCHIVED" } });
    await expectBruteForce({ q: "batches", sort: "price_asc" }, 24);
    await db.shop.update({ where: { id: fx.shops.north }, data: { status: "SUSPENDED" } });
    await expectBruteForce({ q: "batches" }, 24);
  });
});

describe("the result cache's tiers", () => {
  const entry = (version: string) => ({ version, rows: [{ id: "a", tier: 0, score: 0.5 }], facets: { total: 1, categories: [], price: [], rating: [], inStock: 1 } });

  it("expires an entry after its time to live, and keeps at most its size", async () => {
    let now = 0;
    const c = new ResultCache({ ttlMs: 100, maxEntries: 2, now: () => now });
    c.put("k", entry("v1"));
    now = 99;
    expect((await c.get("k"))?.version).toBe("v1");
    now = 100;
    expect(await c.get("k")).toBeUndefined();
    c.put("a", entry("1"));
    c.put("b", entry("2"));
    c.put("c", entry("3"));
    expect(await c.get("a")).toBeUndefined();
    expect((await c.get("c"))?.version).toBe("3");
    // Forgetting a version drops only that version's entry.
    c.forget("c", "2");
    expect(await c.get("c")).toBeDefined();
    c.forget("c", "3");
    expect(await c.get("c")).toBeUndefined();
  });

  it("shares one computation between concurrent misses", async () => {
    const c = new ResultCache();
    let runs = 0;
    const compute = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 10));
    expect(await Promise.all([c.once("k", compute), c.once("k", compute), c.once("other", compute)])).toEqual([1, 1, 2]);
  });

  it.skipIf(!process.env.REDIS_URL)("shares entries between processes through Redis, each for its time to live", async () => {
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    const prefix = `test-${process.pid}-${Date.now()}:`;
    try {
      const store = redisCacheStore(redis, prefix);
      const one = new ResultCache({ shared: store, ttlMs: 300 });
      const other = new ResultCache({ shared: store, ttlMs: 300 });
      expect(await other.get("k")).toBeUndefined();
      one.put("k", entry("v7"));
      await new Promise((r) => setTimeout(r, 20)); // the shared write is not awaited by put
      expect(await other.get("k")).toEqual(entry("v7"));
      await new Promise((r) => setTimeout(r, 400));
      expect(await new ResultCache({ shared: store }).get("k")).toBeUndefined();
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
