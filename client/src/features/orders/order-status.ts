import type { OrderStatus } from "@marketplace/shared";

type Tone = "neutral" | "accent" | "success" | "danger" | "warning";

/** What a person reads for each status, and the badge tone that goes with it. */
export const STATUS_LABELS: Record<OrderStatus, { label: string; tone: Tone }> = {
  PENDING_PAYMENT: { label: "Awaiting payment", tone: "warning" },
  PAID: { label: "Paid", tone: "accent" },
  PROCESSING: { label: "Processing", tone: "accent" },
  SHIPPED: { label: "Shipped", tone: "accent" },
  DELIVERED: { label: "Delivered", tone: "success" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
  REFUNDED: { label: "Refunded", tone: "danger" },
};

/** A buyer or a seller may cancel a shop's part until it ships (the server's CANCELLABLE). */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ["PENDING_PAYMENT", "PAID", "PROCESSING"];

export const isOver = (s: OrderStatus): boolean => s === "CANCELLED" || s === "REFUNDED";

/**
 * What an unpaid order asks the buyer to pay: its parts still waiting for payment (a shop may
 * have cancelled its part before payment; the server charges only the live parts).
 */
export function amountDue(order: { sellerOrders: { status: OrderStatus; subtotalCents: number }[] }): number {
  return order.sellerOrders.filter((s) => s.status === "PENDING_PAYMENT").reduce((n, s) => n + s.subtotalCents, 0);
}

/** "#K3F9Q2ZD": the last eight characters of an id, enough to tell orders apart when talking about them. */
export function shortId(id: string): string {
  return `#${id.slice(-8).toUpperCase()}`;
}

export interface TimelineStep {
  key: "PLACED" | "PAID" | "PROCESSING" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED";
  label: string;
  state: "done" | "current" | "upcoming" | "stopped";
  at: Date | null;
  detail?: string | null;
}

interface TimelineInput {
  status: OrderStatus;
  placedAt: Date;
  paidAt: Date | null;
  processingAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  trackingNumber: string | null;
}

const FORWARD: OrderStatus[] = ["PENDING_PAYMENT", "PAID", "PROCESSING", "SHIPPED", "DELIVERED"];

/**
 * The steps of one seller order: Placed → Paid → Processing → Shipped (tracking) → Delivered, the
 * reached ones done and the latest one current; a cancelled or refunded part ends after the steps
 * it reached, with the cancellation as its last step.
 */
export function timeline(o: TimelineInput): TimelineStep[] {
  if (isOver(o.status)) {
    const steps: TimelineStep[] = [{ key: "PLACED", label: "Placed", state: "done", at: o.placedAt }];
    if (o.paidAt) steps.push({ key: "PAID", label: "Paid", state: "done", at: o.paidAt });
    steps.push({ key: o.status === "REFUNDED" ? "REFUNDED" : "CANCELLED", label: o.status === "REFUNDED" ? "Cancelled and refunded" : "Cancelled", state: "stopped", at: o.cancelledAt });
    return steps;
  }
  const reached = FORWARD.indexOf(o.status);
  const state = (i: number): TimelineStep["state"] => (i < reached ? "done" : i === reached ? "current" : "upcoming");
  return [
    { key: "PLACED", label: "Placed", state: state(0), at: o.placedAt, detail: reached === 0 ? "Waiting for payment" : null },
    { key: "PAID", label: "Paid", state: state(1), at: o.paidAt },
    { key: "PROCESSING", label: "Processing", state: state(2), at: o.processingAt },
    { key: "SHIPPED", label: "Shipped", state: state(3), at: o.shippedAt, detail: o.trackingNumber ? `Tracking ${o.trackingNumber}` : null },
    { key: "DELIVERED", label: "Delivered", state: state(4), at: o.deliveredAt },
  ];
}
