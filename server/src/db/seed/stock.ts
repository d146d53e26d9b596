import type { Prisma } from "../../generated/prisma/client.ts";

const RETURNED: Record<string, "CANCEL" | "REFUND"> = { CANCELLED: "CANCEL", REFUNDED: "REFUND" };

/**
 * The stock history the demo data would have written had it been made through the app: each
 * seller order took its units (ORDER) and, cancelled or refunded, gave them back; each variant's
 * starting stock (SEED) is what it holds now plus what its live orders hold. Built in memory, so
 * the seed writes it as one more set-based insert.
 */
export function buildStockMovements(
  variants: readonly Prisma.VariantCreateManyInput[],
  sellerOrders: readonly Prisma.SellerOrderCreateManyInput[],
  items: readonly Prisma.OrderItemCreateManyInput[],
): Prisma.StockMovementCreateManyInput[] {
  const byId = new Map(sellerOrders.map((so) => [so.id!, so]));
  const taken = new Map<string, { variantId: string; sellerOrderId: string; quantity: number }>();
  for (const item of items) {
    const key = `${item.sellerOrderId} ${item.variantId}`;
    const seen = taken.get(key);
    if (seen) seen.quantity += item.quantity;
    else taken.set(key, { variantId: item.variantId, sellerOrderId: item.sellerOrderId, quantity: item.quantity });
  }
  const held = new Map<string, number>();
  const orderRows: Prisma.StockMovementCreateManyInput[] = [];
  for (const t of taken.values()) {
    const so = byId.get(t.sellerOrderId)!;
    orderRows.push({ variantId: t.variantId, sellerOrderId: t.sellerOrderId, reason: "ORDER", delta: -t.quantity, createdAt: so.createdAt! });
    const returned = RETURNED[so.status!];
    if (returned) {
      orderRows.push({ variantId: t.variantId, sellerOrderId: t.sellerOrderId, reason: returned, delta: t.quantity, createdAt: so.cancelledAt! });
    } else {
      held.set(t.variantId, (held.get(t.variantId) ?? 0) + t.quantity);
    }
  }
  const seedRows: Prisma.StockMovementCreateManyInput[] = [];
  for (const v of variants) {
    const supply = (v.stock ?? 0) + (held.get(v.id!) ?? 0);
    if (supply !== 0) seedRows.push({ variantId: v.id!, reason: "SEED", delta: supply, createdAt: v.createdAt! });
  }
  return [...seedRows, ...orderRows];
}
