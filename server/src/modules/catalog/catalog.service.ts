import type { CatalogNewestInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Context } from "../../trpc/context.ts";

/** What buyers may see: active products of active shops. */
export const visibleProductWhere = {
  status: "ACTIVE",
  shop: { status: "ACTIVE" },
} as const satisfies Prisma.ProductWhereInput;

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
export async function newest(ctx: Context, input: CatalogNewestInput): Promise<ProductCard[]> {
  const rows = await ctx.db.product.findMany({
    where: visibleProductWhere,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit,
    select: productCardSelect,
  });
  return rows.map(toProductCard);
}
