import { newId } from "../../lib/ids.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";

/**
 * The checkout's two statements besides the stock: one read of the cart with everything an order
 * needs, and one write of the whole order. A checkout holds a pooled connection (and, once it
 * takes stock, the hot variant rows) for as long as its transaction lasts, so it makes as few
 * round trips as it can; these are plain SQL for that reason.
 */

/** A cart line with the variant, product and shop it is bought from, as the database has them now. */
export interface CartLineForOrder {
  variantId: string;
  quantity: number;
  sku: string;
  variantTitle: string;
  priceCents: number;
  currency: string;
  productId: string;
  productTitle: string;
  productStatus: string;
  shopId: string;
  shopStatus: string;
  shopOwnerId: string;
}

/** The buyer's cart lines in variant-id order; a line whose variant is gone has no variant fields. */
export async function readCartForOrder(tx: Tx, buyerId: string): Promise<{ lines: CartLineForOrder[]; missing: string[] }> {
  const rows = await tx.$queryRaw<(Omit<CartLineForOrder, "sku"> & { sku: string | null })[]>(Prisma.sql`
    SELECT ci."variant_id" AS "variantId", ci."quantity",
           v."sku", v."title" AS "variantTitle", v."price_cents" AS "priceCents", v."currency"::text AS "currency",
           p."id" AS "productId", p."title" AS "productTitle", p."status"::text AS "productStatus",
           s."id" AS "shopId", s."status"::text AS "shopStatus", s."owner_id" AS "shopOwnerId"
      FROM "carts" c
      JOIN "cart_items" ci ON ci."cart_id" = c."id"
      LEFT JOIN "variants" v ON v."id" = ci."variant_id"
      LEFT JOIN "products" p ON p."id" = v."product_id"
      LEFT JOIN "shops" s ON s."id" = p."shop_id"
     WHERE c."user_id" = ${buyerId}
     ORDER BY ci."variant_id"`);
  return {
    lines: rows.filter((r): r is CartLineForOrder => r.sku !== null),
    missing: rows.filter((r) => r.sku === null).map((r) => r.variantId),
  };
}

export interface NewOrder {
  buyerId: string;
  totalCents: number;
  currency: string;
  idempotencyKey: string;
  requestHash: string;
  shippingAddress: Record<string, string>;
  expiresAt: Date;
  paymentProvider: string;
  /** One per shop, with its lines. */
  sellerOrders: {
    shopId: string;
    subtotalCents: number;
    commissionBps: number;
    commissionCents: number;
    lines: CartLineForOrder[];
  }[];
}

/**
 * Writes the order, its seller orders, its items (with their title and price snapshots) and its
 * pending payment, and empties the buyer's cart: one statement. Foreign keys between these rows
 * are checked at the end of the statement, when all of them exist. Returns the ids it made (the
 * seller orders' by shop).
 */
export async function insertOrder(tx: Tx, o: NewOrder): Promise<{ orderId: string; paymentId: string; sellerOrderIds: Map<string, string> }> {
  const orderId = newId();
  const paymentId = newId();
  const sellerOrders = o.sellerOrders.map((so) => ({ ...so, id: newId() }));
  const sellerOrderRows = sellerOrders.map(
    (so) => Prisma.sql`(${so.id}, ${orderId}, ${so.shopId}, ${so.subtotalCents}::int, ${so.commissionBps}::int, ${so.commissionCents}::int, ${o.currency}, now())`,
  );
  const itemRows = sellerOrders.flatMap((so) =>
    so.lines.map(
      (l) => Prisma.sql`(${newId()}, ${orderId}, ${so.id}, ${l.productId}, ${l.variantId}, ${l.productTitle}, ${l.variantTitle}, ${l.sku},
                         ${l.priceCents}::int, ${l.quantity}::int, ${l.priceCents * l.quantity}::int)`,
    ),
  );
  await tx.$executeRaw(Prisma.sql`
    WITH new_order AS (
      INSERT INTO "orders" ("id", "buyer_id", "total_cents", "currency", "idempotency_key", "request_hash", "shipping_address", "expires_at", "updated_at")
      VALUES (${orderId}, ${o.buyerId}, ${o.totalCents}::int, ${o.currency}, ${o.idempotencyKey}, ${o.requestHash},
              ${JSON.stringify(o.shippingAddress)}::jsonb, ${o.expiresAt}::timestamptz, now())
    ), new_seller_orders AS (
      INSERT INTO "seller_orders" ("id", "order_id", "shop_id", "subtotal_cents", "commission_bps", "commission_cents", "currency", "updated_at")
      VALUES ${Prisma.join(sellerOrderRows)}
    ), new_items AS (
      INSERT INTO "order_items" ("id", "order_id", "seller_order_id", "product_id", "variant_id", "product_title", "variant_title", "sku",
                                 "unit_price_cents", "quantity", "line_total_cents")
      VALUES ${Prisma.join(itemRows)}
    ), new_payment AS (
      INSERT INTO "payments" ("id", "order_id", "provider", "amount_cents", "currency", "updated_at")
      VALUES (${paymentId}, ${orderId}, ${o.paymentProvider}::"PaymentProvider", ${o.totalCents}::int, ${o.currency}, now())
    )
    DELETE FROM "cart_items" WHERE "cart_id" = (SELECT "id" FROM "carts" WHERE "user_id" = ${o.buyerId})`);
  return { orderId, paymentId, sellerOrderIds: new Map(sellerOrders.map((so) => [so.shopId, so.id])) };
}
