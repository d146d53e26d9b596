import { ORDER_STATUSES, type OrderStatus } from "@marketplace/shared";
import { describe, expect, it } from "vitest";
import { deriveOrderStatus, SELLER_TRANSITIONS } from "./order-status.ts";

describe("order status", () => {
  it("is the least advanced live seller order", () => {
    expect(deriveOrderStatus(["PAID", "SHIPPED"])).toBe("PAID");
    expect(deriveOrderStatus(["DELIVERED", "SHIPPED", "CANCELLED"])).toBe("SHIPPED");
    expect(deriveOrderStatus(["DELIVERED", "REFUNDED"])).toBe("DELIVERED");
  });

  it("is REFUNDED or CANCELLED when nothing is live", () => {
    expect(deriveOrderStatus(["CANCELLED", "REFUNDED"])).toBe("REFUNDED");
    expect(deriveOrderStatus(["CANCELLED", "CANCELLED"])).toBe("CANCELLED");
  });

  // updateSellerOrderStatus finds a seller's step by its target and moves the part by
  // compare-and-set from that step's start; these are the properties it relies on.
  const steps = Object.entries(SELLER_TRANSITIONS) as [OrderStatus, OrderStatus][];

  it("never lets a seller touch an unpaid, cancelled or refunded part, nor mark one paid, cancelled or refunded", () => {
    expect(steps.length).toBeGreaterThan(0);
    for (const [from, to] of steps) {
      expect(["PENDING_PAYMENT", "CANCELLED", "REFUNDED"], `${from} → ${to}`).not.toContain(from);
      expect(["PENDING_PAYMENT", "PAID", "CANCELLED", "REFUNDED"], `${from} → ${to}`).not.toContain(to);
    }
  });

  it("moves a part forward only: the order, held back by its least advanced part, never goes back when a part moves", () => {
    for (const [from, to] of steps) {
      expect(to, `${from} → ${to}`).not.toBe(from);
      expect(deriveOrderStatus([from, to]), `${from} → ${to}`).toBe(from);
      for (const other of ORDER_STATUSES) {
        const before = deriveOrderStatus([from, other]);
        const after = deriveOrderStatus([to, other]);
        expect(deriveOrderStatus([before, after]), `${from} → ${to} beside ${other}`).toBe(before);
      }
    }
  });

  it("reaches each status from one status only, so a step is known by its target", () => {
    const targets = steps.map(([, to]) => to);
    expect(new Set(targets).size).toBe(targets.length);
  });
});
