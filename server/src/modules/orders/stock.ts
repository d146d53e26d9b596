import { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";
import { DomainError } from "../../lib/errors.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";

export interface StockLine {
  variantId: string;
  quantity: number;
}

interface StockRow {
  id: string;
  product_id: string;
  shop_id: string;
  stock: number;
}

/** Sums quantities per variant and sorts by id: every transaction locks rows in the same order. */
function normalise(lines: StockLine[]): StockLine[] {
  const sum = new Map<string, number>();
  for (const l of lines) sum.set(l.variantId, (sum.get(l.variantId) ?? 0) + l.quantity);
  return [...sum].map(([variantId, quantity]) => ({ variantId, quantity })).sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
}

/**
 * Takes stock for every line with a guarded `UPDATE … WHERE stock >= n` (CHECK stock >= 0 backs
 * it), one row at a time in variant-id order so that crossed carts cannot deadlock. If any line is
 * short, nothing is kept (the caller's transaction rolls back) and PRECONDITION_FAILED names
 * every variant short of stock.
 */
export async function takeStock(tx: Tx, events: EventBuffer, lines: StockLine[]): Promise<void> {
  const short: string[] = [];
  const taken: StockRow[] = [];
  for (const line of normalise(lines)) {
    const rows = await tx.$queryRaw<StockRow[]>(Prisma.sql`
      UPDATE "variants" SET "stock" = "stock" - ${line.quantity}, "updated_at" = now()
       WHERE "id" = ${line.variantId} AND "stock" >= ${line.quantity}
       RETURNING "id", "product_id", "shop_id", "stock"`);
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

/** Gives stock back (cancellation, expiry), in the same fixed order. */
export async function returnStock(tx: Tx, events: EventBuffer, lines: StockLine[]): Promise<void> {
  for (const line of normalise(lines)) {
    const rows = await tx.$queryRaw<StockRow[]>(Prisma.sql`
      UPDATE "variants" SET "stock" = "stock" + ${line.quantity}, "updated_at" = now()
       WHERE "id" = ${line.variantId}
       RETURNING "id", "product_id", "shop_id", "stock"`);
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
