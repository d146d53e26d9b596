import type { OrderStatus } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";

export interface LockedOrder {
  id: string;
  buyerId: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
}

/**
 * Locks an order's row until the transaction ends. Everything that decides an order's fate (a
 * payment, a cancellation by the buyer, a seller or the sweeper, a seller's status change) takes
 * this lock first, so they happen one after the other and each sees what the one before decided:
 * a payment and a cancellation can never both win. Always taken before any variant row (stock),
 * the order checkout uses too, so the lock adds no deadlock.
 */
export async function lockOrder(tx: Tx, orderId: string, opts: { skipLocked?: boolean } = {}): Promise<LockedOrder | null> {
  const rows = await tx.$queryRaw<LockedOrder[]>(Prisma.sql`
    SELECT "id", "buyer_id" AS "buyerId", "status"::text AS "status", "total_cents" AS "totalCents", "currency"::text AS "currency"
      FROM "orders" WHERE "id" = ${orderId}
       FOR UPDATE ${opts.skipLocked ? Prisma.sql`SKIP LOCKED` : Prisma.empty}`);
  return rows[0] ?? null;
}
