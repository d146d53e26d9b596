import { newId } from "../../lib/ids.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { OrderStatus } from "@marketplace/shared";
import { COMMISSION_BPS, ORDERS } from "./data/orders.ts";
import { time, type Rng } from "./random.ts";
import { formatMoney, type ActivityLog, type ProductRec, type ShopRec, type UserRec } from "./types.ts";

/** A delivered seller order's lines: what reviews may be written about. */
export interface DeliveredLine {
  buyer: UserRec;
  shopId: string;
  sellerOrderId: string;
  product: ProductRec;
  deliveredAt: Date;
  orderId: string;
}

const PAID_STATUSES: readonly OrderStatus[] = ["PAID", "PROCESSING", "SHIPPED", "DELIVERED", "REFUNDED"];

/**
 * Orders in every status, each split into one seller order per shop with snapshotted lines, a
 * test-provider payment and timestamps that agree with the status.
 */
export function buildOrders(
  now: Date,
  rng: Rng,
  user: (key: string) => UserRec,
  shops: readonly ShopRec[],
  products: readonly ProductRec[],
  log: ActivityLog,
) {
  const orders: Prisma.OrderCreateManyInput[] = [];
  const sellerOrders: Prisma.SellerOrderCreateManyInput[] = [];
  const items: Prisma.OrderItemCreateManyInput[] = [];
  const payments: Prisma.PaymentCreateManyInput[] = [];
  const ledger: Prisma.LedgerEntryCreateManyInput[] = [];
  const delivered: DeliveredLine[] = [];
  const latest = time.plusHours(now, -1);

  ORDERS.forEach((spec, n) => {
    const buyer = user(spec.buyer);
    const createdAt = time.daysAgo(now, spec.daysAgo);
    // Only what was on sale at the time: active products listed at least half a day earlier.
    const onSale = products.filter((p) => p.active && p.createdAt.getTime() < time.plusHours(createdAt, -12).getTime());
    const shopIds = [...new Set(onSale.map((p) => p.shopId))];
    const shopCount =
      spec.status === "DELIVERED" ? rng.int(2, 3) : rng.weighted([1, 2, 3], [45, 40, 15]);
    const orderId = newId();
    const paid = PAID_STATUSES.includes(spec.status);
    const paidAt = paid ? time.plusMinutes(createdAt, rng.int(1, 15)) : null;
    const cancelledAt =
      spec.status === "CANCELLED"
        ? time.plusHours(createdAt, rng.int(1, 20))
        : spec.status === "REFUNDED"
          ? time.plusHours(paidAt!, rng.int(20, 48))
          : null;
    let total = 0;
    let itemCount = 0;
    let orderUpdatedAt = cancelledAt ?? paidAt ?? createdAt;

    for (const shopId of rng.sample(shopIds, shopCount)) {
      const sellerOrderId = newId();
      const lines = rng.sample(
        onSale.filter((p) => p.shopId === shopId),
        rng.weighted([1, 2, 3], [55, 35, 10]),
      );
      let subtotal = 0;
      for (const product of lines) {
        const variant = rng.pick(product.variants);
        const quantity = rng.weighted([1, 2, 3], [72, 20, 8]);
        const lineTotal = variant.priceCents * quantity;
        subtotal += lineTotal;
        itemCount += quantity;
        items.push({
          id: newId(),
          orderId,
          sellerOrderId,
          productId: product.id,
          variantId: variant.id,
          productTitle: product.title,
          variantTitle: variant.title,
          sku: variant.sku,
          unitPriceCents: variant.priceCents,
          quantity,
          lineTotalCents: lineTotal,
        });
      }
      total += subtotal;

      const commission = Math.round((subtotal * COMMISSION_BPS) / 10_000);

      // Each shop ships on its own schedule.
      let processingAt: Date | null = null;
      let shippedAt: Date | null = null;
      let deliveredAt: Date | null = null;
      if (spec.status === "SHIPPED" || spec.status === "DELIVERED") {
        shippedAt = time.min(time.plusHours(paidAt!, rng.int(18, 60)), latest);
      }
      if (spec.status === "DELIVERED") {
        deliveredAt = time.min(time.plusHours(shippedAt!, rng.int(40, 120)), latest);
      }
      // Half-way to shipping, or a few hours after payment (no draw: the demo's other figures stay as they were).
      if (spec.status === "PROCESSING" || shippedAt) {
        processingAt = shippedAt ? new Date((paidAt!.getTime() + shippedAt.getTime()) / 2) : time.min(time.plusHours(paidAt!, 4), latest);
      }
      const soUpdatedAt = deliveredAt ?? shippedAt ?? cancelledAt ?? paidAt ?? createdAt;
      if (soUpdatedAt > orderUpdatedAt) orderUpdatedAt = soUpdatedAt;
      sellerOrders.push({
        id: sellerOrderId,
        orderId,
        shopId,
        status: spec.status,
        subtotalCents: subtotal,
        commissionBps: COMMISSION_BPS,
        commissionCents: commission,
        trackingNumber: shippedAt ? trackingNumber(rng) : null,
        processingAt,
        shippedAt,
        deliveredAt,
        cancelledAt,
        createdAt,
        updatedAt: soUpdatedAt,
      });
      // The shop's ledger, as a payment and a refund would have written it.
      if (paidAt) {
        ledger.push(
          { id: newId(), shopId, sellerOrderId, kind: "SALE", amountCents: subtotal, createdAt: paidAt },
          { id: newId(), shopId, sellerOrderId, kind: "COMMISSION", amountCents: -commission, createdAt: paidAt },
        );
      }
      if (paidAt && cancelledAt) {
        ledger.push(
          { id: newId(), shopId, sellerOrderId, kind: "REFUND", amountCents: -subtotal, createdAt: cancelledAt },
          { id: newId(), shopId, sellerOrderId, kind: "COMMISSION_REFUND", amountCents: commission, createdAt: cancelledAt },
        );
      }
      if (deliveredAt) {
        for (const product of lines) {
          delivered.push({ buyer, shopId, sellerOrderId, product, deliveredAt, orderId });
        }
      }
    }

    if (total === 0) throw new Error(`seed data: order ${n + 1} found nothing on sale ${spec.daysAgo} days ago`);
    orders.push({
      id: orderId,
      buyerId: buyer.id,
      status: spec.status,
      totalCents: total,
      idempotencyKey: `seed-${n + 1}`,
      requestHash: "seed",
      shippingAddress: { ...buyer.address },
      // A demo order awaiting payment stays payable for a few days rather than expiring at once.
      expiresAt: spec.status === "PENDING_PAYMENT" ? time.plusDays(now, 3) : null,
      paidAt,
      cancelledAt,
      createdAt,
      updatedAt: orderUpdatedAt,
    });
    payments.push({
      id: newId(),
      orderId,
      provider: "TEST",
      providerRef: `test_seed_${n + 1}`,
      status: paymentStatus(spec.status),
      amountCents: total,
      refundedCents: spec.status === "REFUNDED" ? total : 0,
      createdAt: time.plusMinutes(createdAt, 1),
      updatedAt: cancelledAt ?? paidAt ?? time.plusMinutes(createdAt, 1),
    });

    const summaryTotal = `${formatMoney(total)} (${itemCount} ${itemCount === 1 ? "item" : "items"})`;
    log.add({
      kind: "order.placed",
      summary: `${buyer.name} placed an order for ${summaryTotal}`,
      actorId: buyer.id,
      subject: { type: "order", id: orderId },
      at: createdAt,
      data: { totalCents: total },
    });
    if (paidAt) {
      log.add({
        kind: "order.paid",
        summary: `${buyer.name} paid ${formatMoney(total)}`,
        actorId: buyer.id,
        subject: { type: "order", id: orderId },
        at: paidAt,
        data: { totalCents: total },
      });
    }
    if (cancelledAt) {
      log.add({
        kind: "order.cancelled",
        summary:
          spec.status === "REFUNDED"
            ? `Order of ${buyer.name} cancelled and ${formatMoney(total)} refunded`
            : `${buyer.name} cancelled an order for ${formatMoney(total)}`,
        actorId: buyer.id,
        subject: { type: "order", id: orderId },
        at: cancelledAt,
        data: { status: spec.status },
      });
    }
  });
  return { orders, sellerOrders, items, payments, ledger, delivered };
}

function paymentStatus(status: OrderStatus): "PENDING" | "SUCCEEDED" | "CANCELLED" | "REFUNDED" {
  if (status === "PENDING_PAYMENT") return "PENDING";
  if (status === "CANCELLED") return "CANCELLED";
  if (status === "REFUNDED") return "REFUNDED";
  return "SUCCEEDED";
}

function trackingNumber(rng: Rng): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
  let s = "1Z";
  for (let i = 0; i < 16; i++) s += alphabet[rng.int(0, alphabet.length - 1)];
  return s;
}
