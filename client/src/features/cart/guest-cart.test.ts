import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "@marketplace/shared";
import { beforeEach, describe, expect, it, vi } from "vitest";

const KEY = "bazaar.guestCart";

/** The module as a fresh page load finds it (it reads localStorage once, at load). */
async function freshPage() {
  vi.resetModules();
  return import("./guest-cart.ts");
}

const stored = () => JSON.parse(localStorage.getItem(KEY) ?? "null") as unknown;

beforeEach(() => localStorage.clear());

describe("the guest cart", () => {
  it("adds lines, adds up units of the same variant, and keeps them across page loads", async () => {
    const cart = await freshPage();
    expect(cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 2 }, 10)).toBe("added");
    expect(cart.addGuestItem({ variantId: "v2", productId: "p1", quantity: 1 }, 10)).toBe("added");
    expect(cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 3 }, 10)).toBe("added");
    expect(cart.guestItemCount.value).toBe(6);
    expect(stored()).toEqual([
      { variantId: "v1", productId: "p1", quantity: 5 },
      { variantId: "v2", productId: "p1", quantity: 1 },
    ]);
    const reloaded = await freshPage();
    expect(reloaded.guestCartItems.value).toEqual(stored());
  });

  it("caps a line at the stock shown and at the per-line maximum, and says so", async () => {
    const cart = await freshPage();
    expect(cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 4 }, 3)).toBe("capped");
    expect(cart.guestCartItems.value[0]?.quantity).toBe(3);
    expect(cart.addGuestItem({ variantId: "v2", productId: "p1", quantity: 150 }, 1000)).toBe("capped");
    expect(cart.guestCartItems.value[1]?.quantity).toBe(MAX_LINE_QUANTITY);
    // Sold out: nothing is added.
    expect(cart.addGuestItem({ variantId: "v3", productId: "p2", quantity: 1 }, 0)).toBe("capped");
    expect(cart.guestCartItems.value).toHaveLength(2);
  });

  it("refuses a new line when the cart holds its maximum of different items", async () => {
    localStorage.setItem(KEY, JSON.stringify(Array.from({ length: MAX_CART_LINES }, (_, i) => ({ variantId: `v${i}`, productId: "p", quantity: 1 }))));
    const cart = await freshPage();
    expect(cart.addGuestItem({ variantId: "another", productId: "p", quantity: 1 }, 5)).toBe("full");
    // More of a variant already there still fits.
    expect(cart.addGuestItem({ variantId: "v0", productId: "p", quantity: 1 }, 5)).toBe("added");
  });

  it("drops what is malformed in storage (an old format, a hand edit) and survives broken JSON", async () => {
    localStorage.setItem(
      KEY,
      JSON.stringify([
        { variantId: "ok", productId: "p", quantity: 2 },
        { variantId: "zero", productId: "p", quantity: 0 },
        { variantId: "huge", productId: "p", quantity: MAX_LINE_QUANTITY + 1 },
        { variantId: "half", productId: "p", quantity: 1.5 },
        { variantId: 7, productId: "p", quantity: 1 },
        { sku: "legacy", qty: 1 },
        null,
      ]),
    );
    expect((await freshPage()).guestCartItems.value).toEqual([{ variantId: "ok", productId: "p", quantity: 2 }]);
    localStorage.setItem(KEY, "{not json");
    expect((await freshPage()).guestCartItems.value).toEqual([]);
  });

  it("follows changes made in another tab", async () => {
    const cart = await freshPage();
    cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 1 }, 5);
    // Another tab writes, and this one hears of it through the storage event.
    localStorage.setItem(KEY, JSON.stringify([{ variantId: "v9", productId: "p9", quantity: 4 }]));
    window.dispatchEvent(new StorageEvent("storage", { key: KEY }));
    expect(cart.guestCartItems.value).toEqual([{ variantId: "v9", productId: "p9", quantity: 4 }]);
    // Another tab cleared all storage.
    localStorage.clear();
    window.dispatchEvent(new StorageEvent("storage", { key: null }));
    expect(cart.guestItemCount.value).toBe(0);
  });

  it("sets quantities within 1…99, removes lines, and empties storage when cleared", async () => {
    const cart = await freshPage();
    cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 2 }, 50);
    cart.addGuestItem({ variantId: "v2", productId: "p1", quantity: 2 }, 50);
    cart.setGuestQuantity("v1", 0);
    expect(cart.guestCartItems.value[0]?.quantity).toBe(1);
    cart.setGuestQuantity("v1", 500);
    expect(cart.guestCartItems.value[0]?.quantity).toBe(MAX_LINE_QUANTITY);
    cart.setGuestQuantity("v1", 7.8);
    expect(cart.guestCartItems.value[0]?.quantity).toBe(7);
    cart.removeGuestItem("v1");
    expect(cart.guestCartItems.value.map((i) => i.variantId)).toEqual(["v2"]);
    cart.clearGuestCart();
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it("forgets only what a merge took: units added while it was on its way stay", async () => {
    const cart = await freshPage();
    cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 2 }, 50);
    cart.addGuestItem({ variantId: "v2", productId: "p2", quantity: 1 }, 50);
    const sent = cart.guestItemsForMerge();
    expect(sent).toEqual([
      { variantId: "v1", quantity: 2 },
      { variantId: "v2", quantity: 1 },
    ]);
    cart.addGuestItem({ variantId: "v1", productId: "p1", quantity: 3 }, 50);
    cart.addGuestItem({ variantId: "v3", productId: "p3", quantity: 1 }, 50);
    cart.forgetMerged(sent);
    expect(cart.guestCartItems.value).toEqual([
      { variantId: "v1", productId: "p1", quantity: 3 },
      { variantId: "v3", productId: "p3", quantity: 1 },
    ]);
  });
});
