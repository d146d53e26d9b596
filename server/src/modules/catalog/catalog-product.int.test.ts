import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProduct } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import type { CategoryNode } from "./catalog.service.ts";
import { buildCatalogFixture, type CatalogFixture } from "./catalog-fixture.ts";
import { takeSnapshot } from "./catalog-oracle.ts";

let t: TestApp;
let fx: CatalogFixture;
let anon: Awaited<ReturnType<TestApp["anon"]>>;

beforeAll(async () => {
  t = await createTestApp();
  fx = await buildCatalogFixture(t, { generated: 40 });
  anon = await t.anon();
});
afterAll(() => t.close());

const code = (p: Promise<unknown>) => p.then(
  () => "OK",
  (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
);

describe("catalog.product", () => {
  it("returns the product with its variants and images in order, its shop, and breadcrumbs", async () => {
    const db = t.database.prisma;
    const p = await makeProduct(db, fx.shops.north, fx.categories.hats, {
      title: "Alpine Bobble Hat",
      description: "With a pom-pom.",
      ratingAvg: 4.25,
      ratingCount: 8,
      variants: [
        { sku: "BOB-RED", title: "Red", priceCents: 2900, stock: 3 },
        { sku: "BOB-BLUE", title: "Blue", priceCents: 2700, stock: 0 },
        { sku: "BOB-GREEN", title: "Green", priceCents: 3100, stock: 1 },
      ],
    });
    // Move the first variant last: the page follows `position`, not creation.
    await db.variant.update({ where: { id: p.variants[0]!.id }, data: { position: 9 } });
    await db.productImage.createMany({
      data: [
        { productId: p.id, url: "https://img.test/side.jpg", alt: "Side", position: 2 },
        { productId: p.id, url: "https://img.test/front.jpg", alt: "Front", position: 0 },
      ],
    });
    const shop = await db.shop.update({ where: { id: fx.shops.north }, data: { ratingAvg: 4.6, ratingCount: 21 } });

    const page = await anon.catalog.product({ id: p.id });
    expect(page).toMatchObject({
      id: p.id,
      title: "Alpine Bobble Hat",
      description: "With a pom-pom.",
      ratingAvg: 4.25,
      ratingCount: 8,
      createdAt: p.createdAt,
      shop: { id: shop.id, name: "Northwind", slug: shop.slug, ratingAvg: 4.6, ratingCount: 21 },
      category: {
        id: fx.categories.hats,
        name: "Hats",
        ancestors: [
          { id: fx.categories.fashion, name: "Fashion", slug: expect.any(String) },
          { id: fx.categories.knitwear, name: "Knitwear", slug: expect.any(String) },
        ],
      },
    });
    expect(page.variants).toEqual([
      { id: p.variants[1]!.id, sku: "BOB-BLUE", title: "Blue", priceCents: 2700, currency: "USD", stock: 0 },
      { id: p.variants[2]!.id, sku: "BOB-GREEN", title: "Green", priceCents: 3100, currency: "USD", stock: 1 },
      { id: p.variants[0]!.id, sku: "BOB-RED", title: "Red", priceCents: 2900, currency: "USD", stock: 3 },
    ]);
    expect(page.images.map((i) => [i.url, i.alt])).toEqual([
      ["https://img.test/front.jpg", "Front"],
      ["https://img.test/side.jpg", "Side"],
    ]);
    expect(Object.keys(page).sort()).toEqual(
      ["category", "createdAt", "description", "id", "images", "ratingAvg", "ratingCount", "shop", "slug", "title", "variants"].sort(),
    );
  });

  it("gives a root category no ancestors", async () => {
    const p = await makeProduct(t.database.prisma, fx.shops.paper, fx.categories.stationery, { title: "Dot Grid Pad" });
    expect((await anon.catalog.product({ id: p.id })).category).toMatchObject({ id: fx.categories.stationery, ancestors: [] });
  });

  it("is NOT_FOUND for drafts, archived products, products of suspended or pending shops, and unknown ids", async () => {
    for (const key of ["draftMug", "archivedBeanie", "suspendedMug", "pendingBeanie"] as const) {
      expect(await code(anon.catalog.product({ id: fx.named[key] })), key).toBe("NOT_FOUND");
    }
    expect(await code(anon.catalog.product({ id: "no-such-product" }))).toBe("NOT_FOUND");
    expect(await code(anon.catalog.product({ id: fx.named.coffeeMug }))).toBe("OK");
  });

  it("is NOT_FOUND once the shop is suspended, and BAD_REQUEST without a proper id", async () => {
    const db = t.database.prisma;
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await db.shop.create({ data: { ownerId: owner.id, name: "Soon Gone", slug: `soon-gone-${Date.now()}`, status: "ACTIVE" } });
    const p = await makeProduct(db, shop.id, fx.categories.decor, { title: "Glass Float" });
    expect(await code(anon.catalog.product({ id: p.id }))).toBe("OK");
    await db.shop.update({ where: { id: shop.id }, data: { status: "SUSPENDED" } });
    expect(await code(anon.catalog.product({ id: p.id }))).toBe("NOT_FOUND");
    expect(await code(anon.catalog.product({} as never))).toBe("BAD_REQUEST");
    expect(await code(anon.catalog.product({ id: p.id, extra: 1 } as never))).toBe("BAD_REQUEST");
  });
});

describe("catalog.categories", () => {
  const flatten = (nodes: CategoryNode[]): CategoryNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

  it("nests the tree, siblings by position then name", async () => {
    const tree = await anon.catalog.categories();
    const names = (nodes: CategoryNode[]): unknown[] => nodes.map((n) => (n.children.length ? [n.name, names(n.children)] : n.name));
    expect(names(tree)).toEqual([
      ["Home", [["Kitchen", ["Mugs", "Tableware"]], "Decor"]],
      ["Fashion", [["Knitwear", ["Hats"]], "Shoes"]],
      "Stationery",
    ]);
    for (const n of flatten(tree)) for (const c of n.children) expect(c.parentId).toBe(n.id);
    expect(Object.keys(tree[0]!).sort()).toEqual(["children", "id", "name", "parentId", "productCount", "slug"]);
  });

  it("counts the listed products of each category and all below it, as search finds them", async () => {
    const snap = await takeSnapshot(t.database.prisma);
    const all = flatten(await anon.catalog.categories());
    expect(all).toHaveLength(10);
    for (const node of all) {
      const members = snap.subtree.get(node.id)!;
      const expected = snap.rows.filter((r) => r.listed && members.has(r.categoryId)).length;
      expect(node.productCount, node.name).toBe(expected);
      expect((await anon.catalog.search({ categoryId: node.id })).facets?.total, node.name).toBe(expected);
    }
    expect(all.find((n) => n.id === fx.categories.home)!.productCount).toBeGreaterThan(
      all.find((n) => n.id === fx.categories.kitchen)!.productCount,
    );
  });
});

describe("catalog cards", () => {
  it("shows search results as the same cards as catalog.newest, plus the shop id", async () => {
    const newest = await anon.catalog.newest({ limit: 30 });
    const found = await anon.catalog.search({ sort: "newest", limit: 30 });
    const byId = new Map(found.items.map((i) => [i.id, i]));
    const both = newest.filter((c) => byId.has(c.id));
    expect(both.length).toBeGreaterThan(20);
    expect(both.some((c) => c.image !== null) && both.some((c) => !c.inStock)).toBe(true);
    for (const card of both) {
      const item = byId.get(card.id)!;
      expect(item).toEqual({ ...card, shop: { ...card.shop, id: item.shop.id } });
    }
  });
});
