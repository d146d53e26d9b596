import { roleCan, shopRoleSchema, type OrderStatus, type SellerOrderListInput, type SellerOrderUpdateStatusInput, type ShopRole } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { readNewestFirst } from "../../lib/cursor.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { rooms } from "../../realtime/publish.ts";
import type { ShopScope } from "../../scope.ts";
import { recordShopChange } from "../teams/audit.ts";
import { cancelSellerOrders, settleWithProvider } from "./cancellation.ts";
import { lockOrder } from "./order-lock.ts";
import { deriveOrderStatus, SELLER_TRANSITIONS } from "./order-status.ts";
import { tellSellerOrderStatus } from "../notifications/order-messages.ts";

/** What a seller sees of an order: their own shop's part only, and the address to ship to. */
const sellerOrderSelect = {
  id: true,
  orderId: true,
  status: true,
  subtotalCents: true,
  commissionBps: true,
  commissionCents: true,
  currency: true,
  trackingNumber: true,
  processingAt: true,
  shippedAt: true,
  deliveredAt: true,
  cancelledAt: true,
  createdAt: true,
  updatedAt: true,
  items: { select: { id: true, productId: true, variantId: true, productTitle: true, variantTitle: true, sku: true, unitPriceCents: true, quantity: true, lineTotalCents: true } },
  order: { select: { shippingAddress: true, buyer: { select: { name: true } } } },
} as const satisfies Prisma.SellerOrderSelect;

type SellerOrderRow = Prisma.SellerOrderGetPayload<{ select: typeof sellerOrderSelect }>;
type Priced<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };
type SellerOrderItem = Priced<SellerOrderRow["items"][number], "unitPriceCents" | "lineTotalCents">;
/** A seller order as a member sees it: without prices and totals (null) for a role that does not see money. */
export type SellerOrderView = Omit<Priced<SellerOrderRow, "subtotalCents" | "commissionBps" | "commissionCents">, "items"> & { items: SellerOrderItem[] };

/** Money out for roles without `money.read` (Fulfilment packs and ships, and sees no prices). */
function asSeenBy(ctx: ShopScope, so: SellerOrderRow): SellerOrderView {
  if (roleCan(ctx.member.role, "money.read")) return so;
  return {
    ...so,
    subtotalCents: null,
    commissionBps: null,
    commissionCents: null,
    items: so.items.map((i) => ({ ...i, unitPriceCents: null, lineTotalCents: null })),
  };
}

/** The shop's incoming orders (unpaid ones are not the seller's business yet), newest first. */
export async function listSellerOrders(ctx: ShopScope, input: SellerOrderListInput) {
  const where = { shopId: ctx.shop.id, status: input.status ?? { not: "PENDING_PAYMENT" as const } };
  const page = await readNewestFirst(input, where, (query) => ctx.db.sellerOrder.findMany({ ...query, select: sellerOrderSelect }));
  const moves = await sellerOrderTimelines(ctx, page.items);
  return { ...page, items: page.items.map((so) => ({ ...asSeenBy(ctx, so), timeline: moves.get(so.id) ?? [] })) };
}

/** One of the shop's seller orders; another shop's (even of the same order) is NOT_FOUND. With its timeline: who moved it, and when. */
export async function getSellerOrder(ctx: ShopScope, id: string) {
  const so = await ctx.db.sellerOrder.findFirst({ where: { id, shopId: ctx.shop.id }, select: sellerOrderSelect });
  if (!so) throw notFound("Order");
  return { ...asSeenBy(ctx, so), timeline: (await sellerOrderTimelines(ctx, [so])).get(so.id) ?? [] };
}

/**
 * The seller-side moves of one seller order from the activity log, oldest first: each status change
 * and cancellation with the member who made it and their role then ("Shipped by Ana (Fulfilment)").
 */
async function sellerOrderTimelines(ctx: ShopScope, orders: { id: string; orderId: string }[]) {
  const byId = new Map<string, { id: string; at: Date; status: OrderStatus | null; actorName: string | null; actorRole: ShopRole | null }[]>();
  if (!orders.length) return byId;
  const ids = orders.map((o) => o.id);
  const rows = await ctx.db.activity.findMany({
    where: {
      OR: [
        { subjectType: "seller_order", subjectId: { in: ids }, kind: "order.status_changed" },
        { subjectType: "order", subjectId: { in: orders.map((o) => o.orderId) }, kind: "order.cancelled" },
      ],
    },
    select: { id: true, kind: true, subjectId: true, createdAt: true, data: true, actor: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  for (const r of rows) {
    const data = (r.data ?? {}) as { to?: string; memberRole?: string; sellerOrderIds?: string[] };
    // A cancellation names the seller orders it cancelled; one of another shop's is not this shop's business.
    const targets = r.kind === "order.cancelled" ? (data.sellerOrderIds ?? []).filter((id) => ids.includes(id)) : [r.subjectId!];
    for (const id of targets) {
      byId.set(id, [
        ...(byId.get(id) ?? []),
        {
          id: r.id,
          at: r.createdAt,
          status: (r.kind === "order.cancelled" ? "CANCELLED" : (data.to ?? null)) as OrderStatus | null,
          actorName: r.actor?.name ?? null,
          actorRole: shopRoleSchema.safeParse(data.memberRole).data ?? null,
        },
      ]);
    }
  }
  return byId;
}

/** PAID → PROCESSING → SHIPPED (with tracking) → DELIVERED, one step at a time, as compare-and-set. */
export async function updateSellerOrderStatus(ctx: ShopScope, input: SellerOrderUpdateStatusInput) {
  const so = await ctx.db.sellerOrder.findFirst({ where: { id: input.id, shopId: ctx.shop.id }, select: { id: true, orderId: true, status: true, order: { select: { buyerId: true } } } });
  if (!so) throw notFound("Order");
  const from = (Object.entries(SELLER_TRANSITIONS).find(([, to]) => to === input.status)?.[0] ?? null) as keyof typeof SELLER_TRANSITIONS | null;
  if (!from || so.status !== from) throw conflict(`An order that is ${so.status.toLowerCase().replace("_", " ")} cannot become ${input.status.toLowerCase()}`);
  await inTransaction(ctx, async (tx, events) => {
    // Under the order's lock: the order's status derived below sees every other part as it is.
    await lockOrder(tx, so.orderId);
    const now = new Date();
    const { count } = await tx.sellerOrder.updateMany({
      where: { id: so.id, status: from },
      data: {
        status: input.status,
        ...(input.status === "PROCESSING" ? { processingAt: now } : {}),
        ...(input.status === "SHIPPED" ? { shippedAt: now, trackingNumber: input.trackingNumber } : {}),
        ...(input.status === "DELIVERED" ? { deliveredAt: now } : {}),
      },
    });
    if (count === 0) throw conflict("This order changed meanwhile: reload it");
    const all = await tx.sellerOrder.findMany({ where: { orderId: so.orderId }, select: { status: true } });
    await tx.order.update({ where: { id: so.orderId }, data: { status: deriveOrderStatus(all.map((s) => s.status)) } });
    events.add("order.updated", [rooms.user(so.order.buyerId), rooms.shop(ctx.shop.id)], { orderId: so.orderId, sellerOrderId: so.id, status: input.status });
    await tellSellerOrderStatus(tx, events, so.id);
    await recordShopChange(tx, events, ctx, {
      kind: "order.status_changed",
      summary: `marked an order ${input.status.toLowerCase()}`,
      subject: { type: "seller_order", id: so.id },
      data: { from, to: input.status },
    });
  });
  return getSellerOrder(ctx, so.id);
}

/** The seller cancels their part before it ships: stock back, refund through the provider. */
export async function cancelSellerOrder(ctx: ShopScope, id: string) {
  const so = await ctx.db.sellerOrder.findFirst({ where: { id, shopId: ctx.shop.id }, select: { id: true, orderId: true } });
  if (!so) throw notFound("Order");
  const followUp = await inTransaction(ctx, (tx, events) =>
    cancelSellerOrders(tx, events, { orderId: so.orderId, sellerOrderIds: [so.id], actorId: ctx.user.id, actorName: ctx.shop.name, reason: "by the seller", memberRole: ctx.member.role }),
  );
  await settleWithProvider(ctx, so.orderId, followUp);
  return getSellerOrder(ctx, so.id);
}

/** The shop's money from its ledger: sales, commission, refunds and the balance. */
export async function sellerSummary(ctx: ShopScope) {
  const sums = await ctx.db.ledgerEntry.groupBy({ by: ["kind"], where: { shopId: ctx.shop.id }, _sum: { amountCents: true } });
  const of = (kind: string) => sums.find((s) => s.kind === kind)?._sum.amountCents ?? 0;
  const counts = await ctx.db.sellerOrder.groupBy({ by: ["status"], where: { shopId: ctx.shop.id }, _count: { _all: true } });
  return {
    salesCents: of("SALE"),
    commissionCents: 0 - of("COMMISSION") - of("COMMISSION_REFUND"),
    refundsCents: 0 - of("REFUND"),
    balanceCents: sums.reduce((n, s) => n + (s._sum.amountCents ?? 0), 0),
    ordersByStatus: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
  };
}
