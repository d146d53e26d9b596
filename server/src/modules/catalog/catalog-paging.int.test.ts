import type { CatalogSort } from "@marketplace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProduct } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { buildCatalogFixture, type CatalogFixture } from "./catalog-fixture.ts";
import { bruteForce, takeSnapshot } from "./catalog-oracle.ts";

/**
 * Keyset pages while the catalog changes: products added between pages must neither shift a
 * page (repeats) nor push one out of reach (skips). Its own file: it adds products.
 */
let t: TestApp;
let fx: CatalogFixture;
let anon: Awaited<ReturnType<TestApp["anon"]>>;

beforeAll(async () => {
  t = await createTestApp();
  fx = await buildCatalogFixture(t, { generated: 50 });
  anon = await t.anon();
});
afterAll(() => t.close());

/** Pages through `sort` 4 at a time, calling `between` after each page with its last item. */
async function pageThrough(sort: CatalogSort, between: (last: { id: string; priceCents: number }) => Promise<void>) {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await anon.catalog.search({ sort, limit: 4, cursor });
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
    const last = page.items.at(-1);
    if (cursor && last) await between(last);
  } while (cursor);
  return seen;
}

const addProduct = (priceCents: number, title: string) =>
  makeProduct(t.database.prisma, fx.shops.clay, fx.categories.mugs, { title, variants: [{ priceCents }] });

describe("catalog.search keyset pagination while products are added", () => {
  it("pages newest first with no repeat and no gap; products added meanwhile are newer and stay out", async () => {
    const before = bruteForce(await takeSnapshot(t.database.prisma), { sort: "newest" }).ids;
    let added = 0;
    const seen = await pageThrough("newest", async () => {
      await addProduct(1500, `Added While Paging ${++added}`);
    });
    expect(added).toBeGreaterThan(5);
    expect(seen).toEqual(before);
  });

  it("pages by price with no repeat and no gap: additions behind the cursor stay out, those ahead show up once in place", async () => {
    const before = bruteForce(await takeSnapshot(t.database.prisma), { sort: "price_asc" }).ids;
    const behind: string[] = [];
    const ahead: string[] = [];
    const seen = await pageThrough("price_asc", async (last) => {
      // One cheaper than the page just read (already passed), one dearer than anything listed.
      behind.push((await addProduct(Math.max(0, last.priceCents - 1), "Cheaper Than The Cursor")).id);
      ahead.push((await addProduct(900_000 + behind.length, "Dearer Than Everything")).id);
    });
    expect(behind.length).toBeGreaterThan(5);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => behind.includes(id))).toEqual([]);
    expect(seen.filter((id) => !ahead.includes(id))).toEqual(before);
    // The dear ones come last, in price order (the order they were added in), each once.
    expect(seen.slice(before.length)).toEqual(ahead);
  });

  it("pages by descending price with additions behind the cursor left out", async () => {
    const before = bruteForce(await takeSnapshot(t.database.prisma), { sort: "price_desc" }).ids;
    const added: string[] = [];
    const seen = await pageThrough("price_desc", async () => {
      added.push((await addProduct(950_000, "Dearest Of All")).id);
    });
    expect(added.length).toBeGreaterThan(5);
    expect(seen).toEqual(before);
  });

  it("pages by rating with unrated additions (which sort last) at most once each", async () => {
    const before = bruteForce(await takeSnapshot(t.database.prisma), { sort: "rating" }).ids;
    const added: string[] = [];
    const seen = await pageThrough("rating", async () => {
      added.push((await addProduct(1200, "Not Rated Yet")).id);
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !added.includes(id))).toEqual(before);
  });
});
