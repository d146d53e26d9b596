import type { OrderStatus } from "@marketplace/shared";

/** The seller's forward path; cancelling is separate. */
export const SELLER_TRANSITIONS: Partial<Record<OrderStatus, OrderStatus>> = {
  PAID: "PROCESSING",
  PROCESSING: "SHIPPED",
  SHIPPED: "DELIVERED",
};

/** A seller order can be cancelled until it ships. */
export const CANCELLABLE: OrderStatus[] = ["PENDING_PAYMENT", "PAID", "PROCESSING"];

const RANK: Record<OrderStatus, number> = {
  PENDING_PAYMENT: 0,
  PAID: 1,
  PROCESSING: 2,
  SHIPPED: 3,
  DELIVERED: 4,
  REFUNDED: 5,
  CANCELLED: 6,
};

/**
 * The order's status, derived from its seller orders: the least advanced of the live ones; when
 * none is live, REFUNDED if any money was returned, else CANCELLED.
 */
export function deriveOrderStatus(sellerStatuses: OrderStatus[]): OrderStatus {
  const live = sellerStatuses.filter((s) => s !== "CANCELLED" && s !== "REFUNDED");
  if (live.length) return live.reduce((min, s) => (RANK[s] < RANK[min] ? s : min));
  return sellerStatuses.includes("REFUNDED") ? "REFUNDED" : "CANCELLED";
}
