import { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";
import { DomainError } from "../../lib/errors.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";

export interface StockLine {
  variantId: string;
  quantity: number;
}

/** A line of one seller order: the stock history records which seller order moved the units. */
export interface OrderStockLine extends StockLine {
  sellerOrderId: string;
}

/** Why units come back to stock (the history's reason, stock_movements.reason). */
export type ReturnReason = "CANCEL" | "EXPIRY" | "REFUND";

interface StockRow {
  id: string;
  product_id: string;
  shop_id: string;
  stock: number;
}

/**
 * Sums quantities per variant and sorts by id: every transaction locks rows in the same order. A
 * variant belongs to one shop, so within one order all its units are one seller order's.
 */
function normalise<L extends StockLine>(lines: L[]): L[] {
  const sum = new Map<string, L>();
  for (const l of lines) {
    const seen = sum.get(l.variantId);
    sum.set(l.variantId, seen ? { ...seen, quantity: seen.quantity + l.quantity } : { ...l });
  }
  return [...sum.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
}

/**
 * Takes stock for every line with a guarded `UPDATE … WHERE stock >= n` (CHECK stock >= 0 backs
 * it), one row at a time in variant-id order so that crossed carts cannot deadlock. If any line is
 * short, nothing is kept (the caller's transaction rolls back) and PRECONDITION_FAILED names
 * every variant short of stock. Each take is written to the stock history (reason ORDER, with its
 * seller order) by the same statement.
 */
export async function takeStock(tx: Tx, events: EventBuffer, lines: OrderStockLine[]): Promise<void> {
  const short: string[] = [];
  const taken: StockRow[] = [];
  for (const line of normalise(lines)) {
    const rows = await tx.$queryRaw<StockRow[]>(Prisma.sql`
      WITH "taken" AS (
        UPDATE "variants" SET "stock" = "stock" - ${line.quantity}::int, "updated_at" = now()
         WHERE "id" = ${line.variantId} AND "stock" >= ${line.quantity}::int
         RETURNING "id", "product_id", "shop_id", "stock"
      ), "moved" AS (
        INSERT INTO "stock_movements" ("variant_id", "seller_order_id", "reason", "delta")
        SELECT "id", ${line.sellerOrderId}, 'ORDER'::"StockReason", ${-line.quantity}::int FROM "taken"
      )
      SELECT * FROM "taken"`);
    if (rows[0]) taken.push(rows[0]);
    else short.push(line.variantId);
  }
  if (short.length) {
    throw new DomainError("PRECONDITION_FAILED", "Some items are no longer in stock in the quantity you asked for", undefined, {
      variantIds: short,
    });
  }
  for (const row of taken) announce(events, row);
}

/** A line given back, with why (the stock history's reason). */
export interface ReturnLine extends OrderStockLine {
  reason: ReturnReason;
}

/**
 * Gives units back (cancellation, expiry, refund) for every seller order at once, in variant-id
 * order across all of them: the order a checkout takes them in. (Given back one seller order
 * after another, a cancelled order from two shops locked its variants out of order and
 * deadlocked with checkouts: seen in bench/soak.) Each is written to the stock history with its
 * seller order and reason by the same statement.
 */
export async function returnStock(tx: Tx, events: EventBuffer, lines: ReturnLine[]): Promise<void> {
  for (const line of normalise(lines)) {
    const rows = await tx.$queryRaw<StockRow[]>(Prisma.sql`
      WITH "returned" AS (
        UPDATE "variants" SET "stock" = "stock" + ${line.quantity}::int, "updated_at" = now()
         WHERE "id" = ${line.variantId}
         RETURNING "id", "product_id", "shop_id", "stock"
      ), "moved" AS (
        INSERT INTO "stock_movements" ("variant_id", "seller_order_id", "reason", "delta")
        SELECT "id", ${line.sellerOrderId}, ${line.reason}::"StockReason", ${line.quantity}::int FROM "returned"
      )
      SELECT * FROM "returned"`);
    if (rows[0]) announce(events, rows[0]);
  }
}

function announce(events: EventBuffer, row: StockRow) {
  events.add("stock.changed", [rooms.product(row.product_id), rooms.shop(row.shop_id)], {
    productId: row.product_id,
    variantId: row.id,
    stock: row.stock,
  });
}
