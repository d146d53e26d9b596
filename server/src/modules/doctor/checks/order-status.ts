import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/** The live statuses from least to most advanced: an order is at its least advanced live part (orders/order-status.ts). */
export const LIVE_PROGRESS = ["PENDING_PAYMENT", "PAID", "PROCESSING", "SHIPPED", "DELIVERED"] as const;

/**
 * Per order: its status is what its seller orders give (deriveOrderStatus in orders/order-status.ts,
 * written here in SQL): the least advanced live part, else REFUNDED if a part was refunded, else
 * CANCELLED. An order without seller orders is offending too.
 */
export const orderStatus: DoctorCheck = {
  name: "order-status",
  description: "each order's status is the one its seller orders give (least advanced live part, else REFUNDED or CANCELLED)",
  run: (tx) => {
    const progress = Prisma.sql`ARRAY[${Prisma.join([...LIVE_PROGRESS])}]::text[]`;
    return tally(tx, Prisma.sql`
      SELECT o."id",
             count(so."id") > 0 AND o."status"::text = CASE
               WHEN bool_or(so."status" NOT IN ('CANCELLED', 'REFUNDED'))
                 THEN (${progress})[min(array_position(${progress}, so."status"::text))]
               WHEN bool_or(so."status" = 'REFUNDED') THEN 'REFUNDED'
               ELSE 'CANCELLED' END AS "ok"
        FROM "orders" o LEFT JOIN "seller_orders" so ON so."order_id" = o."id"
       GROUP BY o."id", o."status"`);
  },
};
