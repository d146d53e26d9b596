import { MAX_ORDER_TOTAL_CENTS } from "@marketplace/shared";
import type { Config } from "../../config.ts";
import type { Tx } from "../../db/client.ts";
import { DomainError } from "../../lib/errors.ts";
import { formatMoney } from "../../lib/money.ts";
import { Prisma } from "../../generated/prisma/client.ts";

/**
 * What one buyer may order: no order (or cart line) above MAX_ORDER_TOTAL_CENTS, and unpaid
 * orders capped in number and in the units they hold (MAX_UNPAID_ORDERS, MAX_HELD_UNITS).
 */

/** The message for an order or a cart line above MAX_ORDER_TOTAL_CENTS. */
export function orderTooLargeMessage(currency: string): string {
  return `An order can total at most ${formatMoney(MAX_ORDER_TOTAL_CENTS, currency)}: lower the quantities or split it into several orders.`;
}

/** What a buyer's unpaid orders hold now. */
export interface Holds {
  unpaidOrders: number;
  heldUnits: number;
}

/** The buyer's unpaid orders and the units their live parts hold, in one statement. */
export async function readHolds(db: Pick<Tx, "$queryRaw">, buyerId: string): Promise<Holds> {
  const [row] = await db.$queryRaw<Holds[]>(Prisma.sql`
    SELECT count(DISTINCT o."id")::int AS "unpaidOrders", COALESCE(sum(oi."quantity"), 0)::int AS "heldUnits"
      FROM "orders" o
      JOIN "seller_orders" so ON so."order_id" = o."id" AND so."status" = 'PENDING_PAYMENT'
      JOIN "order_items" oi ON oi."seller_order_id" = so."id"
     WHERE o."buyer_id" = ${buyerId} AND o."status" = 'PENDING_PAYMENT'`);
  return row ?? { unpaidOrders: 0, heldUnits: 0 };
}

export type HoldLimit = "UNPAID_ORDERS" | "HELD_UNITS";
/** Which limit keeps a cart from being checked out (also `details.limit` of a refused checkout). */
export type OrderLimit = HoldLimit | "ORDER_TOTAL";

/** Why a new order of `units` units would pass the buyer's hold limits, with what to tell them; or null. */
export function holdLimitHit(config: Pick<Config, "MAX_UNPAID_ORDERS" | "MAX_HELD_UNITS">, holds: Holds, units: number): { limit: HoldLimit; message: string } | null {
  if (holds.unpaidOrders >= config.MAX_UNPAID_ORDERS) {
    const n = config.MAX_UNPAID_ORDERS;
    return { limit: "UNPAID_ORDERS", message: `You have ${n} unpaid order${n > 1 ? "s" : ""}, the most you can have at once: pay or cancel one to place another.` };
  }
  if (holds.heldUnits + units > config.MAX_HELD_UNITS) {
    const held = holds.heldUnits ? ` (your unpaid orders hold ${holds.heldUnits})` : "";
    return { limit: "HELD_UNITS", message: `Unpaid orders may hold at most ${config.MAX_HELD_UNITS} items at once${held}: pay or cancel an order, or order fewer items.` };
  }
  return null;
}

/**
 * Refuses an order that would pass the buyer's hold limits. Called under the buyer's cart lock,
 * so a buyer's concurrent checkouts count each other's orders and cannot pass the limit together.
 */
export async function assertHoldAllowed(tx: Tx, config: Config, buyerId: string, units: number): Promise<void> {
  const hit = holdLimitHit(config, await readHolds(tx, buyerId), units);
  if (hit) throw new DomainError("PRECONDITION_FAILED", hit.message, undefined, { variantIds: [], limit: hit.limit });
}
