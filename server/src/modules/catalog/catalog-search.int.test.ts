import { CATALOG_SORTS, type CatalogSearchInput } from "@marketplace/shared";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { encodeSearchCursor } from "./catalog-cursor.ts";
import { buildCatalogFixture, type CatalogFixture } from "./catalog-fixture.ts";
import { bruteForce, takeSnapshot, textMatches, type Snapshot } from "./catalog-oracle.ts";

let t: TestApp;
let fx: CatalogFixture;
let snap: Snapshot;
let anon: Awaited<ReturnType<TestApp["anon"]>>;

beforeAll(async () => {
  t = await createTestApp();
  fx = await buildCatalogFixture(t);
  snap = await takeSnapshot(t.database.prisma);
  anon = await t.anon();
});
afterAll(() => t.close());

type Input = Omit<CatalogSearchInput, "limit" | "cursor"> & { limit?: number };

/** Every page of a search, with a small page size; the first page's facets and every page's. */
async function collect(input: Input, limit = 7) {
  const ids: string[] = [];
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await anon.catalog.search({ ...input, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 100) throw new Error("no end of pages");
  } while (cursor);
  return { ids, first: pages[0]!, pages };
}

/** The search through the API against the brute-force answer: the ids in order, and every facet. */
async function expectSearchMatchesBruteForce(input: Input) {
  const text = input.q?.trim() ? await textMatches(t.database.prisma, input.q.trim()) : undefined;
  const expected = bruteForce(snap, input, text);
  const { ids, first, pages } = await collect(input);
  expect(ids).toEqual(expected.ids);
  expect(first.sort).toBe(expected.sort);
  // Only the first page carries the facets; pages read with a cursor answer null.
  const f = first.facets!;
  expect(f).not.toBeNull();
  expect(f.total).toBe(expected.facets.total);
  expect(new Map(f.categories.map((c) => [c.id, c.count]))).toEqual(expected.facets.categories);
  expect(f.price.map((b) => b.count)).toEqual(expected.facets.price);
  expect(f.rating.map((b) => b.count)).toEqual(expected.facets.rating);
  expect(f.inStock).toBe(expected.facets.inStock);
  for (const page of pages.slice(1)) expect(page.facets).toBeNull();
  return expected;
}

const hiddenKeys = ["suspendedMug", "pendingBeanie", "draftMug", "archivedBeanie", "noVariants"] as const;

describe("catalog.search filters and facets against a brute-force count", () => {
  it("checks the fixture is varied enough to mean something", () => {
    const listed = snap.rows.filter((r) => r.listed);
    expect(listed.length).toBeGreaterThan(60);
    expect(snap.rows.length - listed.length).toBeGreaterThan(15);
    expect(new Set(listed.map((r) => r.createdAt)).size).toBeLessThan(listed.length);
    expect(listed.some((r) => !r.inStock)).toBe(true);
    expect(listed.some((r) => r.prices.length > 1 && Math.max(...r.prices) >= 5000 && r.minPrice < 5000)).toBe(true);
    // Prices straddling the 1000–2499 range (lowest below, highest above): with a variant inside
    // it and without, the one case where the search looks at the variants themselves.
    const straddling = listed.filter((r) => r.minPrice < 1000 && Math.max(...r.prices) > 2499);
    expect(straddling.some((r) => r.prices.some((p) => p >= 1000 && p <= 2499))).toBe(true);
    expect(straddling.some((r) => !r.prices.some((p) => p >= 1000 && p <= 2499))).toBe(true);
  });

  const cases: [string, () => Input][] = [
    ["no filter", () => ({})],
    ["a root category, with all its descendants", () => ({ categoryId: fx.categories.home })],
    ["a middle category", () => ({ categoryId: fx.categories.knitwear })],
    ["a leaf category", () => ({ categoryId: fx.categories.hats })],
    ["a shop", () => ({ shopId: fx.shops.clay })],
    ["a suspended shop (nothing)", () => ({ shopId: fx.shops.suspended })],
    ["a minimum price (some variant at or above)", () => ({ minPriceCents: 5000 })],
    ["a maximum price (some variant at or below)", () => ({ maxPriceCents: 999 })],
    ["a price range", () => ({ minPriceCents: 1000, maxPriceCents: 2499 })],
    ["a single price", () => ({ minPriceCents: 2500, maxPriceCents: 2500 })],
    ["a minimum rating", () => ({ minRating: 4 })],
    ["a fractional minimum rating", () => ({ minRating: 2.99 })],
    ["in stock", () => ({ inStock: true })],
    ["inStock false (no filter)", () => ({ inStock: false })],
    ["every filter at once", () => ({ categoryId: fx.categories.home, minPriceCents: 1000, maxPriceCents: 9999, minRating: 3, inStock: true })],
    ["shop, category and rating", () => ({ shopId: fx.shops.north, categoryId: fx.categories.fashion, minRating: 1 })],
    ["a query", () => ({ q: "mug" })],
    ["a query with filters", () => ({ q: "stoneware", inStock: true, categoryId: fx.categories.kitchen })],
    ["a filler word", () => ({ q: "Linen", minPriceCents: 2500 })],
    ["a misspelt query (trigram fallback)", () => ({ q: "stonewear mug" })],
    ["a misspelt query with a price filter", () => ({ q: "merino beenie", minPriceCents: 3000 })],
    ["a query with surrounding blanks", () => ({ q: "   copper   " })],
    ["a blank query (none)", () => ({ q: "   " })],
  ];
  it.each(cases)("%s", async (name, input) => {
    const expected = await expectSearchMatchesBruteForce(input());
    // An empty answer would prove little: only the cases that say so expect nothing.
    expect(expected.ids.length > 0).toBe(!name.endsWith("(nothing)"));
  });

  it("counts a category facet over every filter but the category itself", async () => {
    const withCategory = await anon.catalog.search({ categoryId: fx.categories.hats, inStock: true });
    const without = await anon.catalog.search({ inStock: true });
    expect(withCategory.facets!.categories).toEqual(without.facets!.categories);
    const hats = withCategory.facets!.categories.find((c) => c.id === fx.categories.hats);
    expect(hats?.count).toBe(withCategory.facets!.total);
    expect(hats).toMatchObject({ name: "Hats", parentId: fx.categories.knitwear });
  });
});

describe("catalog.search sorts", () => {
  it.each(CATALOG_SORTS)("orders by %s with the id as the last key, page after page", async (sort) => {
    await expectSearchMatchesBruteForce({ sort });
    await expectSearchMatchesBruteForce({ sort, minRating: 2, categoryId: fx.categories.home });
    await expectSearchMatchesBruteForce({ sort, q: "mug" });
  });

  it("runs relevance as newest without a query, and says so", async () => {
    const page = await anon.catalog.search({ sort: "relevance" });
    expect(page.sort).toBe("newest");
    expect((await anon.catalog.search({})).sort).toBe("newest");
    expect((await anon.catalog.search({ q: "mug" })).sort).toBe("relevance");
  });
});

describe("catalog.search relevance", () => {
  const ids = async (q: string) => (await anon.catalog.search({ q, limit: 48 })).items.map((i) => i.id);

  it("ranks both words in the title above one in the title and one in the description", async () => {
    const found = await ids("stoneware mug");
    expect(found.slice(0, 2)).toEqual([fx.named.speckledMug, fx.named.coffeeMug]);
    expect(new Set(found.slice(2, 4))).toEqual(new Set([fx.named.campMug, fx.named.dinnerPlate]));
  });

  it("ranks the product with every word of a multi-word query first", async () => {
    const found = await ids("merino wool beanie");
    expect(found[0]).toBe(fx.named.merinoBeanie);
    // Full text needs every word; the others come from the trigram fallback, after it.
    expect(found.slice(1)).toEqual(expect.arrayContaining([fx.named.merinoScarf, fx.named.chunkyBeanie]));
  });

  it("finds misspelt words through trigrams, products with every word first", async () => {
    const mugs = await ids("stonewear mug");
    expect(new Set(mugs.slice(0, 2))).toEqual(new Set([fx.named.speckledMug, fx.named.coffeeMug]));
    // Fewer than enough products have both words: those with one of them follow.
    expect(mugs.slice(2)).toEqual(expect.arrayContaining([fx.named.teaMug, fx.named.dinnerPlate]));
    const beanies = await ids("merino beenie");
    expect(beanies[0]).toBe(fx.named.merinoBeanie);
    expect(beanies).toEqual(expect.arrayContaining([fx.named.merinoScarf, fx.named.chunkyBeanie]));
  });

  it("puts trigram matches after every full-text hit when full text finds too little", async () => {
    // Only the seller who typed "Beenie" is found by full text; the real beanies come after.
    const found = await ids("beenie");
    expect(found[0]).toBe(fx.named.typoBeanie);
    expect(new Set(found.slice(1))).toEqual(new Set([fx.named.merinoBeanie, fx.named.chunkyBeanie]));
    // And the other way round.
    const correct = await ids("beanie");
    expect(new Set(correct.slice(0, 2))).toEqual(new Set([fx.named.merinoBeanie, fx.named.chunkyBeanie]));
    expect(correct.slice(2)).toEqual([fx.named.typoBeanie]);
  });

  it("compares whole words: a word sharing only its first letters is no match", async () => {
    // Plain word similarity rates "Beeswax" closer to "beenie" than "Beanie" is; strict does not.
    expect(await ids("beenie")).not.toContain(fx.named.beeswaxCandle);
    expect(await ids("beeswax")).toEqual([fx.named.beeswaxCandle]);
  });

  it("never lists drafts, archived products, products of suspended or pending shops, or products without variants", async () => {
    const hidden = new Set(hiddenKeys.map((k) => fx.named[k]));
    for (const q of ["stoneware mug", "merino beanie", "stonewear mug", "merino beenie", "beanie", "mug", ""]) {
      const { ids: found } = await collect({ q }, 48);
      expect(found.filter((id) => hidden.has(id))).toEqual([]);
    }
  });
});

describe("catalog.search input", () => {
  const badRequest = async (input: unknown) => {
    const err = await anon.catalog.search(input as CatalogSearchInput).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    return err as TRPCError;
  };

  it("rejects a minimum price above the maximum with a field error", async () => {
    const err = await badRequest({ minPriceCents: 2000, maxPriceCents: 1999 });
    expect(err.cause).toBeInstanceOf(ZodError);
    expect(z.flattenError(err.cause as ZodError).fieldErrors).toMatchObject({ maxPriceCents: [expect.any(String)] });
  });

  it("rejects unknown fields, a query over 200 characters, limits outside 1–48, and out-of-range numbers", async () => {
    await badRequest({ colour: "red" });
    await badRequest({ q: "x".repeat(201) });
    await badRequest({ limit: 49 });
    await badRequest({ limit: 0 });
    await badRequest({ minPriceCents: -1 });
    await badRequest({ minPriceCents: 1.5 });
    await badRequest({ minRating: 6 });
    await badRequest({ sort: "cheapest" });
    expect((await anon.catalog.search({ q: `  ${"x".repeat(200)}  ` })).items).toEqual([]);
  });

  it("defaults to 24 results a page", async () => {
    const page = await anon.catalog.search({});
    expect(page.items).toHaveLength(24);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it("rejects malformed cursors and cursors of another sort or another query", async () => {
    const newest = (await anon.catalog.search({ limit: 2 })).nextCursor!;
    const relevance = (await anon.catalog.search({ q: "mug", limit: 2 })).nextCursor!;
    await badRequest({ cursor: "not a cursor" });
    await badRequest({ cursor: Buffer.from("[1,2]").toString("base64url") });
    await badRequest({ cursor: encodeSearchCursor({ s: "newest", k: [1.5], id: "x" }) });
    await badRequest({ cursor: encodeSearchCursor({ s: "price_asc", k: [2 ** 40], id: "x" }) });
    await badRequest({ cursor: encodeSearchCursor({ s: "rating", k: [4], id: "x" }) });
    await badRequest({ cursor: newest, sort: "price_asc" });
    await badRequest({ cursor: newest, q: "mug" });
    await badRequest({ cursor: relevance, q: "bowl" });
    await badRequest({ cursor: relevance });
    // The right sort and query take it.
    expect((await anon.catalog.search({ cursor: relevance, q: "mug", limit: 2 })).items).toHaveLength(2);
    expect((await anon.catalog.search({ cursor: newest, sort: "newest", limit: 2 })).items).toHaveLength(2);
  });
});
