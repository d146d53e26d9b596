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

  it("lets a seller only move forward one step at a time", () => {
    expect(SELLER_TRANSITIONS).toEqual({ PAID: "PROCESSING", PROCESSING: "SHIPPED", SHIPPED: "DELIVERED" });
  });
});
