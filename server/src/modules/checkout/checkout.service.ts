import { createHash } from "node:crypto";
import type { PlaceOrderInput } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { DomainError, conflict } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedContext } from "../../trpc/context.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { takeStock } from "../orders/stock.ts";
import { ensurePayment } from "../payments/payments.service.ts";

interface CartLineForOrder {
  variantId: string;
  quantity: number;
}

/** Same key and same request → same order; the request is the address and the cart's lines. */
function requestHash(address: PlaceOrderInput["shippingAddress"], lines: CartLineForOrder[]): string {
  const canonical = JSON.stringify({
    address: Object.fromEntries(Object.entries(address).sort(([a], [b]) => (a < b ? -1 : 1))),
    lines: [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)).map((l) => [l.variantId, l.quantity]),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

async function readCart(tx: Tx | AuthedContext["db"], userId: string): Promise<CartLineForOrder[]> {
  return tx.cartItem.findMany({ where: { cart: { userId } }, select: { variantId: true, quantity: true }, orderBy: { variantId: "asc" } });
}

/**
 * Places one order from the caller's cart, split into one seller order per shop. Prices come from
 * the database only; stock is taken with guarded updates in a fixed order inside the same
 * transaction; the cart is emptied on success. The idempotency key makes retries safe: the same
 * key with the same request returns the same order (even when sent concurrently), the same key
 * with another request is a CONFLICT.
 */
export async function placeOrder(ctx: AuthedContext, input: PlaceOrderInput) {
  const existing = await replay(ctx, input);
  if (existing) return existing;
  let orderId: string;
  try {
    orderId = await inTransaction(ctx, (tx, events) => createOrder(ctx, tx, events, input));
  } catch (err) {
    // The same key sent concurrently: the unique (buyer, key) index let one through; answer as it did.
    if ((err as { code?: string }).code === "P2002") {
      const winner = await replay(ctx, input);
      if (winner) return winner;
    }
    throw err;
  }
  return respond(ctx, orderId);
}

async function replay(ctx: AuthedContext, input: PlaceOrderInput) {
  const order = await ctx.db.order.findUnique({
    where: { buyerId_idempotencyKey: { buyerId: ctx.user.id, idempotencyKey: input.idempotencyKey } },
    select: { id: true, requestHash: true, items: { select: { variantId: true, quantity: true } } },
  });
  if (!order) return null;
  // After success the cart is empty; a retry is then compared with what the order took.
  const cart = await readCart(ctx.db, ctx.user.id);
  const lines = cart.length ? cart : order.items;
  if (requestHash(input.shippingAddress, lines) !== order.requestHash) {
    throw conflict("This idempotency key was already used for a different order");
  }
  return respond(ctx, order.id);
}

async function createOrder(ctx: AuthedContext, tx: Tx, events: Parameters<typeof takeStock>[1], input: PlaceOrderInput): Promise<string> {
  const lines = await readCart(tx, ctx.user.id);
  if (!lines.length) throw new DomainError("PRECONDITION_FAILED", "Your cart is empty", undefined, { variantIds: [] });
  const variants = await tx.variant.findMany({
    where: { id: { in: lines.map((l) => l.variantId) } },
    select: {
      id: true,
      sku: true,
      title: true,
      priceCents: true,
      currency: true,
      product: { select: { id: true, title: true, status: true, shop: { select: { id: true, status: true, ownerId: true } } } },
    },
  });
  const byId = new Map(variants.map((v) => [v.id, v]));
  const unavailable = lines.filter((l) => {
    const v = byId.get(l.variantId);
    return !v || v.product.status !== "ACTIVE" || v.product.shop.status !== "ACTIVE" || v.product.shop.ownerId === ctx.user.id;
  });
  if (unavailable.length) {
    throw new DomainError("PRECONDITION_FAILED", "Some items can no longer be bought", undefined, {
      variantIds: unavailable.map((l) => l.variantId),
    });
  }
  const currencies = new Set(variants.map((v) => v.currency));
  if (currencies.size > 1) throw new DomainError("PRECONDITION_FAILED", "A cart in several currencies cannot be checked out at once");
  const currency = variants[0]!.currency;

  await takeStock(tx, events, lines);

  // One seller order per shop; amounts from the database only.
  const byShop = new Map<string, { variantId: string; quantity: number }[]>();
  for (const l of lines) {
    const shopId = byId.get(l.variantId)!.product.shop.id;
    byShop.set(shopId, [...(byShop.get(shopId) ?? []), l]);
  }
  const feeBps = ctx.deps.config.PLATFORM_FEE_BPS;
  const subtotal = (ls: CartLineForOrder[]) => ls.reduce((n, l) => n + byId.get(l.variantId)!.priceCents * l.quantity, 0);
  const totalCents = [...byShop.values()].reduce((n, ls) => n + subtotal(ls), 0);
  const order = await tx.order.create({
    data: {
      buyerId: ctx.user.id,
      totalCents,
      currency,
      idempotencyKey: input.idempotencyKey,
      requestHash: requestHash(input.shippingAddress, lines),
      shippingAddress: input.shippingAddress,
      expiresAt: new Date(Date.now() + ctx.deps.config.ORDER_HOLD_MINUTES * 60_000),
    },
    select: { id: true },
  });
  for (const [shopId, shopLines] of byShop) {
    const sub = subtotal(shopLines);
    await tx.sellerOrder.create({
      data: {
        orderId: order.id,
        shopId,
        subtotalCents: sub,
        commissionBps: feeBps,
        commissionCents: Math.round((sub * feeBps) / 10_000),
        currency,
        items: {
          create: shopLines.map((l) => {
            const v = byId.get(l.variantId)!;
            return {
              orderId: order.id,
              productId: v.product.id,
              variantId: v.id,
              productTitle: v.product.title,
              variantTitle: v.title,
              sku: v.sku,
              unitPriceCents: v.priceCents,
              quantity: l.quantity,
              lineTotalCents: v.priceCents * l.quantity,
            };
          }),
        },
      },
    });
  }
  await tx.payment.create({ data: { orderId: order.id, provider: ctx.deps.payments.name, amountCents: totalCents, currency } });
  await tx.cartItem.deleteMany({ where: { cart: { userId: ctx.user.id } } });
  await recordActivity(tx, events, {
    kind: "order.placed",
    summary: `${ctx.user.name} placed an order of ${(totalCents / 100).toFixed(2)} ${currency} from ${byShop.size} shop${byShop.size > 1 ? "s" : ""}`,
    actorId: ctx.user.id,
    subject: { type: "order", id: order.id },
  });
  return order.id;
}

async function respond(ctx: AuthedContext, orderId: string) {
  const order = await ctx.db.order.findUniqueOrThrow({ where: { id: orderId }, select: { id: true, status: true, totalCents: true, currency: true, expiresAt: true } });
  const payment = order.status === "PENDING_PAYMENT" ? await ensurePayment(ctx, order.id) : null;
  return {
    orderId: order.id,
    status: order.status,
    totalCents: order.totalCents,
    currency: order.currency,
    expiresAt: order.expiresAt,
    payment: {
      provider: ctx.deps.payments.name,
      clientSecret: payment?.clientSecret ?? null,
      publishableKey: ctx.deps.payments.name === "STRIPE" ? (ctx.deps.config.STRIPE_PUBLISHABLE_KEY ?? null) : null,
    },
  };
}
