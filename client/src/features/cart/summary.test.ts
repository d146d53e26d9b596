import { describe, expect, it } from "vitest";
import { refusalReason, summaryShops } from "./summary.ts";
import type { Cart } from "./use-cart.ts";

const cart = {
  currency: "USD",
  shops: [
    {
      shop: { id: "s1", name: "Mugs & More", slug: "mugs" },
      subtotalCents: 3000,
      lines: [
        { variantId: "v1", product: { title: "Mug" }, variantTitle: "Blue", quantity: 2, priceCents: 1000, lineTotalCents: 2000, currency: "USD", stock: 0 },
        { variantId: "v2", product: { title: "Saucer" }, variantTitle: "White", quantity: 1, priceCents: 1000, lineTotalCents: 1000, currency: "USD", stock: 4 },
      ],
    },
  ],
} as unknown as Cart;

describe("the order summary's parts", () => {
  it("are a subtotal per shop in the cart", () => {
    expect(summaryShops(cart)).toEqual([{ key: "s1", name: "Mugs & More", slug: "mugs", subtotalCents: 3000 }]);
  });

  it("list every line at checkout, marking the lines the server refused with the reason", () => {
    const [shop] = summaryShops(cart, { withLines: true, refused: ["v1"] });
    expect(shop?.lines).toEqual([
      { key: "v1", title: "Mug", detail: "Blue · 2 × $10.00", amountCents: 2000, currency: "USD", problem: "Sold out now" },
      { key: "v2", title: "Saucer", detail: "White · 1 × $10.00", amountCents: 1000, currency: "USD", problem: null },
    ]);
  });

  it("explain a refusal by the stock left", () => {
    expect(refusalReason(0, 2)).toBe("Sold out now");
    expect(refusalReason(1, 2)).toBe("Only 1 left now");
    expect(refusalReason(5, 2)).toBe("Not available in this quantity any more");
  });
});
