import type { CatalogNewestInput, CatalogProductInput } from "@marketplace/shared";
import type { Database } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { notFound } from "../../lib/errors.ts";
import type { Scope } from "../../scope.ts";
import { listedPerCategory } from "./catalog-search.service.ts";

/** What buyers may see: active products of active shops. */
export const visibleProductWhere = {
  status: "ACTIVE",
  shop: { status: "ACTIVE" },
} as const satisfies Prisma.ProductWhereInput;

/**
 * Whether buyers may see a product (the same rule as visibleProductWhere), in one direct read:
 * every product page's live-stock subscription asks it.
 */
export async function isProductVisible(database: Database, productId: string): Promise<boolean> {
  const rows = await database.read(Prisma.sql`
    SELECT 1 FROM "products" p JOIN "shops" s ON s."id" = p."shop_id"
    WHERE p."id" = ${productId} AND p."status" = 'ACTIVE' AND s."status" = 'ACTIVE'`);
  return rows.length > 0;
}

export const productCardSelect = {
  id: true,
  title: true,
  slug: true,
  ratingAvg: true,
  ratingCount: true,
  shop: { select: { name: true, slug: true } },
  images: { select: { url: true, alt: true }, orderBy: { position: "asc" }, take: 1 },
  variants: { select: { priceCents: true, currency: true, stock: true } },
} as const satisfies Prisma.ProductSelect;

type ProductCardRow = Prisma.ProductGetPayload<{ select: typeof productCardSelect }>;

/** The card a product list shows: lowest price, first image, whether any variant is in stock. */
export function toProductCard(p: ProductCardRow) {
  const cheapest = p.variants.reduce<ProductCardRow["variants"][number] | undefined>(
    (min, v) => (!min || v.priceCents < min.priceCents ? v : min),
    undefined,
  );
  return {
    id: p.id,
    title: p.title,
    slug: p.slug,
    priceCents: cheapest?.priceCents ?? 0,
    currency: cheapest?.currency ?? "USD",
    image: p.images[0] ?? null,
    shop: p.shop,
    ratingAvg: p.ratingAvg,
    ratingCount: p.ratingCount,
    inStock: p.variants.some((v) => v.stock > 0),
  };
}
export type ProductCard = ReturnType<typeof toProductCard>;

/** The newest visible products, for the home page. */
export async function newest(ctx: Scope, input: CatalogNewestInput): Promise<ProductCard[]> {
  const rows = await ctx.db.product.findMany({
    where: visibleProductWhere,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit,
    select: productCardSelect,
  });
  return rows.map(toProductCard);
}

const productPageSelect = {
  id: true,
  title: true,
  slug: true,
  description: true,
  ratingAvg: true,
  ratingCount: true,
  createdAt: true,
  shop: { select: { id: true, name: true, slug: true, ratingAvg: true, ratingCount: true } },
  category: { select: { id: true, name: true, slug: true } },
  images: { select: { id: true, url: true, alt: true }, orderBy: [{ position: "asc" }, { id: "asc" }] },
  variants: {
    select: { id: true, sku: true, title: true, priceCents: true, currency: true, stock: true },
    orderBy: [{ position: "asc" }, { id: "asc" }],
  },
} as const satisfies Prisma.ProductSelect;

interface CategoryRef {
  id: string;
  name: string;
  slug: string;
}

/**
 * A product page: the product with its variants and images in order, its shop, and its category
 * with the category's ancestors (root first) for breadcrumbs. Drafts, archived products and the
 * products of shops that are not ACTIVE are NOT_FOUND, as if they did not exist.
 */
export async function product(ctx: Scope, input: CatalogProductInput) {
  const [p, ancestors] = await Promise.all([
    ctx.db.product.findFirst({ where: { id: input.id, ...visibleProductWhere }, select: productPageSelect }),
    ctx.db.$queryRaw<CategoryRef[]>`
      WITH RECURSIVE up (id, parent_id, name, slug, depth) AS (
        SELECT c.id, c.parent_id, c.name, c.slug, 0
          FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = ${input.id}
        UNION ALL
        SELECT c.id, c.parent_id, c.name, c.slug, up.depth + 1
          FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 32
      )
      SELECT id, name, slug FROM up WHERE depth > 0 ORDER BY depth DESC`,
  ]);
  if (!p) throw notFound("Product");
  return { ...p, category: { ...p.category, ancestors } };
}
export type CatalogProduct = Awaited<ReturnType<typeof product>>;

export interface CategoryNode {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
  /** Listed products (ACTIVE, of an ACTIVE shop, with a variant) in this category and all below it. */
  productCount: number;
  children: CategoryNode[];
}

/**
 * The category tree, siblings by position then name, each with the number of listed products in
 * it and its descendants: the number `catalog.search {categoryId}` finds without other filters.
 * Those numbers are the category facet of the unfiltered search, and come from its facet cache
 * (catalog-facet-cache.ts: a few seconds old at most while the catalog is browsed).
 */
export async function categories(ctx: Scope): Promise<CategoryNode[]> {
  const [tree, counts] = await Promise.all([
    ctx.db.category.findMany({
      select: { id: true, name: true, slug: true, parentId: true },
      orderBy: [{ position: "asc" }, { name: "asc" }, { id: "asc" }],
    }),
    listedPerCategory(ctx),
  ]);
  const rows = tree.map((c) => ({ ...c, productCount: counts.get(c.id) ?? 0 }));
  const nodes = new Map(rows.map((r) => [r.id, { ...r, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  // Rows come in sibling order, so appending keeps every children list in order.
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else if (!node.parentId) roots.push(node);
  }
  return roots;
}
