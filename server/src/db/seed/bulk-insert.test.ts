import { describe, expect, it } from "vitest";
import { columnOf } from "./bulk-insert.ts";

describe("the seed's field → column names (the schema's @map)", () => {
  it("turns camelCase into snake_case and numbered fields into name_N", () => {
    expect(columnOf("id")).toBe("id");
    expect(columnOf("minPriceCents")).toBe("min_price_cents");
    expect(columnOf("rating1")).toBe("rating_1");
    expect(columnOf("sellerOrderId")).toBe("seller_order_id");
  });
});
