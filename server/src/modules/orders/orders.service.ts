import type { OrderCancelInput, OrderListInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { readNewestFirst } from "../../lib/cursor.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope } from "../../scope.ts";
import { cancelSellerOrders, settleWithProvider } from "./cancellation.ts";
import { lockOrder } from "./order-lock.ts";
import { CANCELLABLE } from "./order-status.ts";

export const buyerOrderSelect = {
  id: true,
  status: true,
  totalCents: true,
  currency: true,
  shippingAddress: true,
  expiresAt: true,
  paidAt: true,
  cancelledAt: true,
  createdAt: true,
  updatedAt: true,
  sellerOrders: {
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      status: true,
      subtotalCents: true,
      currency: true,
      trackingNumber: true,
      processingAt: true,
      shippedAt: true,
      deliveredAt: true,
      cancelledAt: true,
      createdAt: true,
      updatedAt: true,
      shop: { select: { id: true, name: true, slug: true } },
      items: {
        select: { id: true, productId: true, variantId: true, productTitle: true, variantTitle: true, sku: true, unitPriceCents: true, quantity: true, lineTotalCents: true },
      },
    },
  },
  payments: { select: { provider: true, status: true, amountCents: true, refundedCents: true, failureReason: true }, orderBy: { createdAt: "desc" }, take: 1 },
} as const satisfies Prisma.OrderSelect;

/** The buyer's orders, newest first, keyset paged; another buyer's orders never appear. */
export async function listBuyerOrders(ctx: AuthedScope, input: OrderListInput) {
  return readNewestFirst(input, { buyerId: ctx.user.id }, (query) => ctx.db.order.findMany({ ...query, select: buyerOrderSelect }));
}

/** One of the caller's orders; another buyer's id is NOT_FOUND (its existence is not revealed). */
export async function getBuyerOrder(ctx: AuthedScope, id: string) {
  const order = await ctx.db.order.findFirst({ where: { id, buyerId: ctx.user.id }, select: buyerOrderSelect });
  if (!order) throw notFound("Order");
  return order;
}

/**
 * The buyer cancels an order: an unpaid one whole; a paid one shop by shop (one seller order, or
 * every part that has not shipped), refunded through the provider. What to cancel is decided
 * under the order's lock: a payment that lands at the same moment is either seen (and refunded)
 * or comes after the cancellation (and is refunded by the payment itself), never lost between.
 */
export async function cancelBuyerOrder(ctx: AuthedScope, input: OrderCancelInput) {
  const followUp = await inTransaction(ctx, async (tx, events) => {
    const order = await lockOrder(tx, input.id);
    if (!order || order.buyerId !== ctx.user.id) throw notFound("Order");
    const parts = await tx.sellerOrder.findMany({ where: { orderId: order.id }, select: { id: true, status: true } });
    let targets: string[];
    if (order.status === "PENDING_PAYMENT") {
      targets = parts.filter((s) => s.status === "PENDING_PAYMENT").map((s) => s.id);
    } else if (input.sellerOrderId) {
      const so = parts.find((s) => s.id === input.sellerOrderId);
      if (!so) throw notFound("Order");
      targets = [so.id];
    } else {
      targets = parts.filter((s) => CANCELLABLE.includes(s.status)).map((s) => s.id);
    }
    if (!targets.length) throw conflict("Nothing in this order can be cancelled any more");
    return cancelSellerOrders(tx, events, { orderId: order.id, sellerOrderIds: targets, actorId: ctx.user.id, actorName: ctx.user.name, reason: "by the buyer" });
  });
  await settleWithProvider(ctx, input.id, followUp);
  return getBuyerOrder(ctx, input.id);
}
