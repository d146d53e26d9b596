import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { formatMoney } from "../mail/templates/template.ts";
import { notify } from "./notify.ts";

/**
 * What an order's changes tell the people concerned, by email (the outbox) and in the app, in
 * the transaction of the change: the hooks the order and payment services call.
 */

const count = (lines: { quantity: number }[]) => lines.reduce((n, l) => n + l.quantity, 0);
const itemTitle = (i: { productTitle: string; variantTitle: string }) => (i.variantTitle ? `${i.productTitle} (${i.variantTitle})` : i.productTitle);

/** An order was paid: its confirmation to the buyer, and "new order" to each shop whose part was paid. */
export async function tellOrderPaid(tx: Tx, events: EventBuffer, orderId: string): Promise<void> {
  const order = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: {
      id: true,
      buyer: { select: { id: true, name: true } },
      sellerOrders: {
        where: { status: "PAID" },
        select: {
          subtotalCents: true,
          currency: true,
          shop: { select: { name: true, members: { where: { role: "OWNER" }, select: { userId: true } } } },
          items: { select: { productTitle: true, variantTitle: true, quantity: true } },
        },
      },
    },
  });
  const parts = order.sellerOrders;
  if (!parts.length) return;
  const currency = parts[0]!.currency;
  const totalCents = parts.reduce((sum, p) => sum + p.subtotalCents, 0);
  const lines = parts.flatMap((p) => p.items.map((i) => ({ title: itemTitle(i), quantity: i.quantity, shopName: p.shop.name })));
  await enqueueMail(tx, { userId: order.buyer.id, template: "order_confirmation", data: { buyerName: order.buyer.name, orderId: order.id, totalCents, currency, lines } });
  await notify(tx, events, order.buyer.id, {
    kind: "order.paid",
    text: `Your order is confirmed: ${count(lines)} item${count(lines) === 1 ? "" : "s"} for ${formatMoney(totalCents, currency)}`,
    link: `/orders/${order.id}`,
  });
  // A shop's owners hear of each new order (every one of them: the founder may have left the shop).
  for (const { part, ownerId } of parts.flatMap((part) => part.shop.members.map((m) => ({ part, ownerId: m.userId })))) {
    const partLines = part.items.map((i) => ({ title: itemTitle(i), quantity: i.quantity }));
    await enqueueMail(tx, {
      userId: ownerId,
      template: "new_order",
      data: { shopName: part.shop.name, buyerName: order.buyer.name, sellerOrderId: orderId, subtotalCents: part.subtotalCents, currency: part.currency, lines: partLines },
    });
    await notify(tx, events, ownerId, {
      kind: "order.new",
      text: `New order from ${order.buyer.name}: ${count(partLines)} item${count(partLines) === 1 ? "" : "s"} for ${formatMoney(part.subtotalCents, part.currency)}`,
      link: "/seller/orders",
    });
  }
}

/** A shop moved its part of an order on (processing, shipped with tracking, delivered): the buyer hears. */
export async function tellSellerOrderStatus(tx: Tx, events: EventBuffer, sellerOrderId: string): Promise<void> {
  const so = await tx.sellerOrder.findUniqueOrThrow({
    where: { id: sellerOrderId },
    select: {
      orderId: true,
      status: true,
      trackingNumber: true,
      shop: { select: { name: true } },
      order: { select: { buyer: { select: { id: true, name: true } } } },
      items: { select: { productId: true, productTitle: true } },
    },
  });
  const buyer = so.order.buyer;
  const link = `/orders/${so.orderId}`;
  const shopName = so.shop.name;
  if (so.status === "PROCESSING") {
    await notify(tx, events, buyer.id, { kind: "order.status", text: `${shopName} is preparing your order`, link });
  } else if (so.status === "SHIPPED") {
    const trackingNumber = so.trackingNumber ?? "";
    await enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: { buyerName: buyer.name, orderId: so.orderId, shopName, trackingNumber } });
    await notify(tx, events, buyer.id, { kind: "order.status", text: `${shopName} shipped your order${trackingNumber ? ` (tracking ${trackingNumber})` : ""}`, link });
  } else if (so.status === "DELIVERED") {
    const products = [...new Map(so.items.map((i) => [i.productId, { id: i.productId, title: i.productTitle }] as const)).values()];
    await enqueueMail(tx, { userId: buyer.id, template: "order_delivered", data: { buyerName: buyer.name, orderId: so.orderId, shopName, products } });
    await notify(tx, events, buyer.id, { kind: "order.status", text: `Your order from ${shopName} was delivered: how was it? Review it`, link });
  }
}

/**
 * Someone other than the buyer cancelled (part of) an order: the shop, or the marketplace because
 * it was not paid in time. The buyer hears in the app; a buyer's own cancellation tells nobody.
 */
export async function tellOrderCancelled(
  tx: Tx,
  events: EventBuffer,
  c: { orderId: string; buyerId: string; actorId: string | null; actorName: string; reason: string; whole: boolean; refunded: boolean },
): Promise<void> {
  if (c.actorId === c.buyerId) return;
  const what = c.whole ? "your order" : "part of your order";
  await notify(tx, events, c.buyerId, {
    kind: "order.status",
    text: `${c.actorName} cancelled ${what} (${c.reason})${c.refunded ? ": the payment is refunded" : ""}`,
    link: `/orders/${c.orderId}`,
  });
}
