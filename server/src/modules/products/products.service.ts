import type { ProductCreateInput, ProductListMineInput, ProductUpdateInput, VariantInput } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { DomainError, badInput, conflict, notFound } from "../../lib/errors.ts";
import { slugify, uniqueSlug } from "../../lib/slug.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";
import type { ShopScope } from "../../scope.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { recordShopChange } from "../teams/audit.ts";
import { holdNewUploads, UNAVAILABLE_IMAGE } from "../uploads/uploads.service.ts";

/** What the seller's own views show of a product: everything, drafts and archived included. */
export const sellerProductSelect = {
  id: true,
  title: true,
  slug: true,
  description: true,
  status: true,
  categoryId: true,
  ratingAvg: true,
  ratingCount: true,
  createdAt: true,
  updatedAt: true,
  images: { select: { id: true, url: true, alt: true, position: true }, orderBy: { position: "asc" } },
  variants: {
    select: { id: true, sku: true, title: true, priceCents: true, currency: true, stock: true, position: true },
    orderBy: { position: "asc" },
  },
} as const satisfies Prisma.ProductSelect;

async function assertCategory(ctx: ShopScope, categoryId: string) {
  const found = await ctx.db.category.count({ where: { id: categoryId } });
  if (!found) throw badInput("categoryId", "Choose a category from the list");
}

/** SKUs are unique per shop: name the variant rows whose SKU another product of the shop uses. */
async function assertSkusFree(tx: Tx, shopId: string, variants: VariantInput[], productId?: string) {
  const clashes = await tx.variant.findMany({
    where: {
      shopId,
      sku: { in: variants.map((v) => v.sku), mode: "insensitive" },
      ...(productId ? { productId: { not: productId } } : {}),
    },
    select: { sku: true },
  });
  if (!clashes.length) return;
  const taken = new Set(clashes.map((c) => c.sku.toLowerCase()));
  const fieldErrors: Record<string, string[]> = {};
  variants.forEach((v, i) => {
    if (taken.has(v.sku.toLowerCase())) fieldErrors[`variants.${i}.sku`] = ["Another product of your shop uses this SKU"];
  });
  throw new DomainError("CONFLICT", "A SKU is already used in your shop", fieldErrors);
}

/** The product's images must be the shop's own uploads, still stored (or generated images). */
async function assertImagesAvailable(tx: Tx, shopId: string, images: { url: string }[], current: string[] = []) {
  const missing = new Set(await holdNewUploads(tx, shopId, images.map((i) => i.url), current));
  if (!missing.size) return;
  const fieldErrors: Record<string, string[]> = {};
  images.forEach((img, i) => {
    if (missing.has(img.url)) fieldErrors[`images.${i}.url`] = [UNAVAILABLE_IMAGE];
  });
  throw new DomainError("BAD_REQUEST", UNAVAILABLE_IMAGE, fieldErrors);
}

function stockEvent(events: EventBuffer, shopId: string, productId: string, variantId: string, stock: number) {
  events.add("stock.changed", [rooms.product(productId), rooms.shop(shopId)], { productId, variantId, stock });
}

/** Creates a product with its variants and images in the caller's active shop. */
export async function createProduct(ctx: ShopScope, input: ProductCreateInput) {
  await assertCategory(ctx, input.categoryId);
  const base = slugify(input.title);
  const taken = await ctx.db.product.findMany({ where: { shopId: ctx.shop.id, slug: { startsWith: base } }, select: { slug: true } });
  return inTransaction(ctx, async (tx, events) => {
    await assertSkusFree(tx, ctx.shop.id, input.variants);
    await assertImagesAvailable(tx, ctx.shop.id, input.images);
    const product = await tx.product.create({
      data: {
        shopId: ctx.shop.id,
        categoryId: input.categoryId,
        title: input.title,
        slug: uniqueSlug(base, taken.map((p) => p.slug)),
        description: input.description,
        status: input.status,
        images: { create: input.images.map((img, position) => ({ url: img.url, alt: img.alt || input.title, position })) },
        variants: {
          create: input.variants.map((v, position) => ({
            shopId: ctx.shop.id,
            sku: v.sku,
            title: v.title,
            priceCents: v.priceCents,
            stock: v.stock,
            position,
          })),
        },
      },
      select: sellerProductSelect,
    });
    await recordListedStock(tx, product.variants);
    await recordShopChange(tx, events, ctx, { kind: "product.created", summary: `added “${product.title}”`, subject: { type: "product", id: product.id } });
    return product;
  }).catch(rethrowSkuRace);
}

/** New variants' starting stock, in the stock history (SELLER_EDIT). */
async function recordListedStock(tx: Tx, variants: { id: string; stock: number }[]) {
  const stocked = variants.filter((v) => v.stock !== 0);
  if (stocked.length) await tx.stockMovement.createMany({ data: stocked.map((v) => ({ variantId: v.id, reason: "SELLER_EDIT" as const, delta: v.stock })) });
}

/**
 * Updates the fields sent. `images` and `variants`, when sent, are the complete new lists:
 * variants with an id are updated, those without are added, and those left out are removed —
 * unless they were ever ordered, which is a CONFLICT (set their stock to 0 instead). A product
 * made a draft loses its watchers (SECURITY 35), before this update's own stock events go out.
 */
export async function updateProduct(ctx: ShopScope, input: ProductUpdateInput) {
  const product = await ctx.db.product.findFirst({
    where: { id: input.id, shopId: ctx.shop.id },
    select: { id: true, status: true, title: true, images: { select: { url: true } }, variants: { select: { id: true, stock: true, sku: true } } },
  });
  if (!product) throw notFound("Product");
  if (product.status === "ARCHIVED") throw conflict("An archived product cannot be edited");
  if (input.categoryId) await assertCategory(ctx, input.categoryId);
  return inTransaction(ctx, async (tx, events) => {
    // The variants before the product: the order checkouts and cancellations take them in (their
    // variant rows first, in id order, then the product row for its figures at commit). Taking the
    // product first would deadlock with a checkout holding one of these variants. FOR NO KEY
    // UPDATE, the lock the edits below need (none changes a key unless a SKU changes): FOR UPDATE
    // would also wait for the key-share locks a checkout's order lines take on their variants
    // before its stock (in cart order), and deadlocked with checkouts (seen in bench/soak).
    if (input.variants) await tx.$executeRaw`SELECT 1 FROM "variants" WHERE "product_id" = ${product.id} ORDER BY "id" FOR NO KEY UPDATE`;
    await tx.product.update({
      where: { id: product.id },
      data: {
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
      },
    });
    if (input.status !== undefined && input.status !== "ACTIVE") dropWatchers(events, [product.id]);
    if (input.images) {
      await assertImagesAvailable(tx, ctx.shop.id, input.images, product.images.map((i) => i.url));
      await tx.productImage.deleteMany({ where: { productId: product.id } });
      await tx.productImage.createMany({
        data: input.images.map((img, position) => ({ productId: product.id, url: img.url, alt: img.alt || (input.title ?? product.title), position })),
      });
    }
    if (input.variants) await replaceVariants(tx, events, ctx.shop.id, product, input.variants);
    const saved = await tx.product.findUniqueOrThrow({ where: { id: product.id }, select: sellerProductSelect });
    await recordShopChange(tx, events, ctx, {
      kind: "product.updated",
      summary: `edited “${saved.title}” (${Object.keys(input).filter((k) => k !== "id").join(", ") || "nothing"})`,
      subject: { type: "product", id: product.id },
    });
    return saved;
  }).catch(rethrowSkuRace);
}

async function replaceVariants(
  tx: Tx,
  events: EventBuffer,
  shopId: string,
  product: { id: string; variants: { id: string; stock: number; sku: string }[] },
  variants: VariantInput[],
) {
  const current = new Map(product.variants.map((v) => [v.id, v]));
  const fieldErrors: Record<string, string[]> = {};
  variants.forEach((v, i) => {
    if (v.id && !current.has(v.id)) fieldErrors[`variants.${i}.id`] = ["This variant is not part of the product"];
  });
  if (Object.keys(fieldErrors).length) throw new DomainError("BAD_REQUEST", "Unknown variant", fieldErrors);
  const kept = new Set(variants.flatMap((v) => (v.id ? [v.id] : [])));
  const removed = product.variants.filter((v) => !kept.has(v.id)).map((v) => v.id);
  if (removed.length) {
    const ordered = await tx.orderItem.count({ where: { variantId: { in: removed } } });
    if (ordered) throw conflict("A variant that was ordered cannot be removed: set its stock to 0 instead");
    await tx.variant.deleteMany({ where: { id: { in: removed } } });
  }
  // Free the SKUs that change first, so that two variants may swap SKUs within one update. Only
  // those: a SKU is a key (unique per shop), and rewriting one takes the strongest row lock, which
  // waits for every checkout holding the variant (a restock changes no SKU and takes none).
  const renamed = variants.flatMap((v) => (v.id && current.get(v.id)!.sku !== v.sku ? [v.id] : []));
  if (renamed.length) {
    await tx.$executeRaw`UPDATE "variants" SET "sku" = '~' || "id" WHERE "id" IN (${Prisma.join(renamed)})`;
  }
  await assertSkusFree(tx, shopId, variants, product.id);
  for (const [position, v] of variants.entries()) {
    const fields = { sku: v.sku, title: v.title, priceCents: v.priceCents, position };
    if (v.id) {
      await tx.variant.update({ where: { id: v.id }, data: fields });
      // Relative to what it is now when the form said what it saw (checkouts may have taken units
      // since it was loaded), else the stock sent.
      const change = v.stockSeen !== undefined ? { delta: v.stock - v.stockSeen } : { to: v.stock };
      const moved = await applyStockChange(tx, v.id, change);
      if (moved !== null) stockEvent(events, shopId, product.id, v.id, moved);
    } else {
      const created = await tx.variant.create({ data: { ...fields, stock: v.stock, productId: product.id, shopId }, select: { id: true, stock: true } });
      await recordListedStock(tx, [created]);
      stockEvent(events, shopId, product.id, created.id, v.stock);
    }
  }
}

/**
 * Sets a variant's stock by the seller's change (`delta`, never below 0, or a new value `to`)
 * under the row's lock (FOR NO KEY UPDATE, as every stock write: see updateProduct), and writes
 * what it really moved to the stock history (SELLER_EDIT).
 * Returns the new stock, or null when nothing moved.
 */
async function applyStockChange(tx: Tx, variantId: string, change: { delta: number } | { to: number }): Promise<number | null> {
  const [locked] = await tx.$queryRaw<{ stock: number }[]>`SELECT "stock" FROM "variants" WHERE "id" = ${variantId} FOR NO KEY UPDATE`;
  if (!locked) return null;
  const next = "to" in change ? change.to : Math.max(locked.stock + change.delta, 0);
  if (next === locked.stock) return null;
  await tx.$executeRaw`UPDATE "variants" SET "stock" = ${next}::int, "updated_at" = now() WHERE "id" = ${variantId}`;
  await tx.stockMovement.create({ data: { variantId, reason: "SELLER_EDIT", delta: next - locked.stock } });
  return next;
}

/** Takes a product off the catalog for good (its watchers too); its order history stays intact. */
export async function archiveProduct(ctx: ShopScope, id: string) {
  const archived = await inTransaction(ctx, async (tx, events) => {
    const { count } = await tx.product.updateMany({ where: { id, shopId: ctx.shop.id, status: { not: "ARCHIVED" } }, data: { status: "ARCHIVED" } });
    if (count) {
      dropWatchers(events, [id]);
      await recordShopChange(tx, events, ctx, { kind: "product.archived", summary: "archived a product", subject: { type: "product", id } });
    }
    return count > 0;
  });
  if (!archived) {
    const exists = await ctx.db.product.count({ where: { id, shopId: ctx.shop.id } });
    throw exists ? conflict("This product is already archived") : notFound("Product");
  }
  return ctx.db.product.findUniqueOrThrow({ where: { id }, select: sellerProductSelect });
}

/**
 * The sockets watching these products leave their rooms on every replica, after the commit
 * (SECURITY 35): a product off the catalog (draft, archived, its shop suspended) stops reaching
 * them. `product.watch` refuses it until it is listed again.
 */
export function dropWatchers(events: EventBuffer, productIds: string[]): void {
  events.emptyRooms(productIds.map(rooms.product));
}

/** The seller's products, newest first, with stock and prices at a glance. */
export async function listMyProducts(ctx: ShopScope, input: ProductListMineInput) {
  const rows = await ctx.db.product.findMany({
    where: { shopId: ctx.shop.id, ...(input.status ? { status: input.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: sellerProductSelect,
  });
  return rows.map((p) => ({
    ...p,
    totalStock: p.variants.reduce((sum, v) => sum + v.stock, 0),
    minPriceCents: Math.min(...p.variants.map((v) => v.priceCents)),
    maxPriceCents: Math.max(...p.variants.map((v) => v.priceCents)),
  }));
}

/** One of the seller's own products, for the editor (NOT_FOUND for another shop's). */
export async function getMyProduct(ctx: ShopScope, id: string) {
  const product = await ctx.db.product.findFirst({ where: { id, shopId: ctx.shop.id }, select: sellerProductSelect });
  if (!product) throw notFound("Product");
  return product;
}

function rethrowSkuRace(err: unknown): never {
  if (isUniqueViolation(err)) throw conflict("A SKU is already used in your shop");
  throw err;
}
