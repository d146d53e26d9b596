/** The demo orders: who bought, when, and how far each order got. Listed oldest first. */

import type { OrderStatus } from "@marketplace/shared";

export interface OrderSpec {
  buyer: string;
  status: OrderStatus;
  /** Days before "now" the order was placed (fractions are fine). */
  daysAgo: number;
}

export const ORDERS: readonly OrderSpec[] = [
  { buyer: "buyer", status: "DELIVERED", daysAgo: 58 },
  { buyer: "buyer3", status: "DELIVERED", daysAgo: 55 },
  { buyer: "buyer2", status: "DELIVERED", daysAgo: 52 },
  { buyer: "buyer6", status: "REFUNDED", daysAgo: 49 },
  { buyer: "buyer4", status: "DELIVERED", daysAgo: 47 },
  { buyer: "buyer5", status: "DELIVERED", daysAgo: 44 },
  { buyer: "buyer6", status: "DELIVERED", daysAgo: 41 },
  { buyer: "buyer", status: "DELIVERED", daysAgo: 38 },
  { buyer: "buyer5", status: "CANCELLED", daysAgo: 36 },
  { buyer: "buyer3", status: "DELIVERED", daysAgo: 33 },
  { buyer: "buyer2", status: "REFUNDED", daysAgo: 31 },
  { buyer: "owner7", status: "DELIVERED", daysAgo: 29 },
  { buyer: "buyer4", status: "DELIVERED", daysAgo: 26 },
  { buyer: "buyer2", status: "DELIVERED", daysAgo: 23 },
  { buyer: "buyer5", status: "DELIVERED", daysAgo: 20 },
  { buyer: "buyer6", status: "DELIVERED", daysAgo: 18 },
  { buyer: "buyer", status: "DELIVERED", daysAgo: 15 },
  { buyer: "buyer", status: "CANCELLED", daysAgo: 12 },
  { buyer: "buyer3", status: "SHIPPED", daysAgo: 7 },
  { buyer: "buyer", status: "SHIPPED", daysAgo: 6 },
  { buyer: "buyer5", status: "SHIPPED", daysAgo: 5 },
  { buyer: "buyer2", status: "PROCESSING", daysAgo: 4 },
  { buyer: "buyer4", status: "PROCESSING", daysAgo: 3 },
  { buyer: "buyer", status: "PROCESSING", daysAgo: 2.5 },
  { buyer: "buyer6", status: "PAID", daysAgo: 1.6 },
  { buyer: "buyer3", status: "PAID", daysAgo: 0.9 },
  { buyer: "buyer", status: "PAID", daysAgo: 0.4 },
  { buyer: "buyer2", status: "PENDING_PAYMENT", daysAgo: 0.2 },
  { buyer: "buyer4", status: "PENDING_PAYMENT", daysAgo: 0.1 },
  { buyer: "buyer", status: "PENDING_PAYMENT", daysAgo: 0.04 },
];

export const COMMISSION_BPS = 1000;
