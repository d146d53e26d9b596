import type { CartAddInput, CartMergeInput, CartUpdateInput } from "@marketplace/shared";
import { MAX_CART_LINES, MAX_LINE_QUANTITY, MAX_ORDER_TOTAL_CENTS } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { DomainError, forbidden, notFound } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope } from "../../scope.ts";
import { holdLimitHit, orderTooLargeMessage, readHolds, type OrderLimit } from "../checkout/order-limits.ts";

/** A cart line as stored, with its variant, product, first image and shop as they are now. */
interface CartLineRow {
  quantity: number;
  addedPriceCents: number;
  variantId: string;
  sku: string;
  variantTitle: string;
  priceCents: number;
  currency: string;
  stock: number;
  productId: string;
  productTitle: string;
  productSlug: string;
  productStatus: string;
  image: { url: string; alt: string } | null;
  shopId: string;
  shopName: string;
  shopSlug: string;
  shopStatus: string;
}

/**
 * The buyer's lines, oldest first, in one statement (every page shows the cart's count, so this
 * is read often), straight from the pool on PostgreSQL.
 */
function readCartLines(ctx: AuthedScope): Promise<CartLineRow[]> {
  return ctx.deps.database.read(Prisma.sql`
    SELECT ci."quantity", ci."added_price_cents" AS "addedPriceCents",
           v."id" AS "variantId", v."sku", v."title" AS "variantTitle", v."price_cents" AS "priceCents",
           v."currency"::text AS "currency", v."stock",
           p."id" AS "productId", p."title" AS "productTitle", p."slug" AS "productSlug", p."status"::text AS "productStatus",
           (SELECT json_build_object('url', i."url", 'alt', i."alt") FROM "product_images" i
             WHERE i."product_id" = p."id" ORDER BY i."position" LIMIT 1) AS "image",
           s."id" AS "shopId", s."name" AS "shopName", s."slug" AS "shopSlug", s."status"::text AS "shopStatus"
      FROM "carts" c
      JOIN "cart_items" ci ON ci."cart_id" = c."id"
      JOIN "variants" v ON v."id" = ci."variant_id"
      JOIN "products" p ON p."id" = v."product_id"
      JOIN "shops" s ON s."id" = p."shop_id"
     WHERE c."user_id" = ${ctx.user.id}
     ORDER BY ci."added_at", ci."id"`) as Promise<CartLineRow[]>;
}

export type CartWarning = "PRICE_CHANGED" | "LOW_STOCK" | "OUT_OF_STOCK" | "UNAVAILABLE";

/** One line as the cart shows it, checked against today's price and stock. */
function toLine(row: CartLineRow) {
  const warnings: CartWarning[] = [];
  const available = row.productStatus === "ACTIVE" && row.shopStatus === "ACTIVE";
  if (!available) warnings.push("UNAVAILABLE");
  else if (row.stock === 0) warnings.push("OUT_OF_STOCK");
  else if (row.stock < row.quantity) warnings.push("LOW_STOCK");
  if (row.addedPriceCents !== row.priceCents) warnings.push("PRICE_CHANGED");
  return {
    variantId: row.variantId,
    quantity: row.quantity,
    sku: row.sku,
    variantTitle: row.variantTitle,
    priceCents: row.priceCents,
    previousPriceCents: row.addedPriceCents !== row.priceCents ? row.addedPriceCents : null,
    currency: row.currency,
    stock: row.stock,
    lineTotalCents: row.priceCents * row.quantity,
    product: { id: row.productId, title: row.productTitle, slug: row.productSlug, image: row.image },
    shop: { id: row.shopId, name: row.shopName, slug: row.shopSlug },
    available,
    warnings,
  };
}
export type CartLine = ReturnType<typeof toLine>;

/**
 * The caller's cart grouped by shop, with a subtotal per shop and a total over what can be
 * bought; `blocker` says why it cannot be checked out beyond its lines' own warnings (an order
 * too large, or the buyer's unpaid orders at their limit).
 */
export async function getCart(ctx: AuthedScope) {
  const lines = (await readCartLines(ctx)).map(toLine);
  const shops = new Map<string, { shop: CartLine["shop"]; lines: CartLine[]; subtotalCents: number }>();
  for (const line of lines) {
    const group = shops.get(line.shop.id) ?? { shop: line.shop, lines: [], subtotalCents: 0 };
    group.lines.push(line);
    if (line.available) group.subtotalCents += line.lineTotalCents;
    shops.set(line.shop.id, group);
  }
  const groups = [...shops.values()];
  const itemCount = lines.reduce((n, l) => n + l.quantity, 0);
  const totalCents = groups.reduce((n, g) => n + g.subtotalCents, 0);
  const currency = lines[0]?.currency ?? "USD";
  const blocker = lines.length ? await checkoutBlocker(ctx, totalCents, currency, itemCount) : null;
  return {
    shops: groups,
    itemCount,
    totalCents,
    currency,
    blocker,
    canCheckout: lines.length > 0 && !blocker && lines.every((l) => l.available && l.stock >= l.quantity),
  };
}

async function checkoutBlocker(ctx: AuthedScope, totalCents: number, currency: string, units: number): Promise<{ limit: OrderLimit; message: string } | null> {
  if (totalCents > MAX_ORDER_TOTAL_CENTS) return { limit: "ORDER_TOTAL", message: orderTooLargeMessage(currency) };
  return holdLimitHit(ctx.deps.config, await readHolds(ctx.db, ctx.user.id), units);
}

/** A line may not cost more than a whole order may (MAX_ORDER_TOTAL_CENTS). */
function assertLineTotal(priceCents: number, quantity: number, currency: string) {
  if (priceCents * quantity > MAX_ORDER_TOTAL_CENTS) {
    const message = orderTooLargeMessage(currency);
    throw new DomainError("BAD_REQUEST", message, { quantity: [message] });
  }
}

async function loadBuyableVariant(ctx: AuthedScope, variantId: string) {
  const v = await ctx.db.variant.findUnique({
    where: { id: variantId },
    select: { id: true, priceCents: true, currency: true, stock: true, product: { select: { status: true, shop: { select: { status: true, members: { where: { userId: ctx.user.id }, select: { id: true } } } } } } },
  });
  if (!v || v.product.status !== "ACTIVE" || v.product.shop.status !== "ACTIVE") throw notFound("Product");
  if (v.product.shop.members.length) throw forbidden("You cannot buy from your own shop");
  return v;
}

/**
 * A line may not hold more than the stock: refused with the number available (and, for an add,
 * how many the cart already holds), never cut down to fit behind the buyer's back.
 */
function assertStock(variantId: string, quantity: number, stock: number, inCartBefore = 0) {
  if (quantity > stock) {
    const already = inCartBefore > 0 ? `, and your cart already has ${inCartBefore}` : "";
    const message = stock === 0 ? "This item is out of stock" : `Only ${stock} available${already}`;
    throw new DomainError("PRECONDITION_FAILED", message, { quantity: [message] }, { variantIds: [variantId], available: stock });
  }
}

/**
 * The buyer's cart, created the first time. The upsert leaves the cart row locked until the
 * transaction ends, so one buyer's concurrent changes (a double click, two tabs, a checkout) take
 * turns: every change of the cart's lines goes through it.
 */
export async function lockCart(tx: Tx, userId: string): Promise<string> {
  const [cart] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "carts" ("id", "user_id", "updated_at") VALUES (${newId()}, ${userId}, now())
    ON CONFLICT ("user_id") DO UPDATE SET "updated_at" = now()
    RETURNING "id"`;
  return cart!.id;
}

/**
 * Adds to a line (or creates it at today's price) in one transaction: the quantity is added in
 * the database, so concurrent adds lose no unit. A line past 99 units or the stock is refused
 * (the transaction rolls back, the line stays as it was); a new line may not pass the cart's size.
 */
async function addLine(ctx: AuthedScope, input: CartAddInput): Promise<void> {
  const v = await loadBuyableVariant(ctx, input.variantId);
  await inTransaction(ctx, async (tx) => {
    const cartId = await lockCart(tx, ctx.user.id);
    const [line] = await tx.$queryRaw<{ quantity: number; created: boolean }[]>`
      INSERT INTO "cart_items" ("id", "cart_id", "variant_id", "quantity", "added_price_cents")
      VALUES (${newId()}, ${cartId}, ${v.id}, ${input.quantity}, ${v.priceCents})
      ON CONFLICT ("cart_id", "variant_id")
        DO UPDATE SET "quantity" = "cart_items"."quantity" + EXCLUDED."quantity"
      RETURNING "quantity", (xmax = 0) AS "created"`;
    if (line!.created && (await tx.cartItem.count({ where: { cartId } })) > MAX_CART_LINES) {
      throw new DomainError("BAD_REQUEST", `A cart holds at most ${MAX_CART_LINES} different items`);
    }
    const before = line!.quantity - input.quantity;
    if (line!.quantity > MAX_LINE_QUANTITY) {
      const message = `At most ${MAX_LINE_QUANTITY} of one item per order, and your cart already has ${before}`;
      throw new DomainError("BAD_REQUEST", message, { quantity: [message] });
    }
    assertStock(v.id, line!.quantity, v.stock, before);
    assertLineTotal(v.priceCents, line!.quantity, v.currency);
  });
}

export async function addToCart(ctx: AuthedScope, input: CartAddInput) {
  await addLine(ctx, input);
  return getCart(ctx);
}

/** Sets a line's quantity; seeing the cart again accepts today's price. */
export async function updateCartLine(ctx: AuthedScope, input: CartUpdateInput) {
  const v = await loadBuyableVariant(ctx, input.variantId);
  assertStock(v.id, input.quantity, v.stock);
  assertLineTotal(v.priceCents, input.quantity, v.currency);
  await inTransaction(ctx, async (tx) => {
    const cartId = await lockCart(tx, ctx.user.id);
    const { count } = await tx.cartItem.updateMany({
      where: { cartId, variantId: v.id },
      data: { quantity: input.quantity, addedPriceCents: v.priceCents },
    });
    if (count === 0) throw notFound("Cart line");
  });
  return getCart(ctx);
}

/** Removes one line (`variantId`) or every line. */
async function removeLines(ctx: AuthedScope, variantId?: string) {
  await inTransaction(ctx, async (tx) => {
    const cartId = await lockCart(tx, ctx.user.id);
    await tx.cartItem.deleteMany({ where: { cartId, ...(variantId ? { variantId } : {}) } });
  });
  return getCart(ctx);
}

export const removeCartLine = (ctx: AuthedScope, variantId: string) => removeLines(ctx, variantId);
export const clearCart = (ctx: AuthedScope) => removeLines(ctx);

/**
 * Merges a guest cart kept in the browser at sign-in: quantities add up (capped by stock), and
 * items that cannot be bought any more are skipped and named.
 */
export async function mergeCart(ctx: AuthedScope, input: CartMergeInput) {
  const skipped: string[] = [];
  for (const item of input.items) {
    try {
      await addLine(ctx, item);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      skipped.push(item.variantId);
    }
  }
  return { cart: await getCart(ctx), skippedVariantIds: skipped };
}
