import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { journeyBrowser, signIn, signUp, snap } from "./browser.ts";

/**
 * Forms that say what is wrong (limits in plain words, no silent cuts, a country from a list),
 * quantities that stay honest, and the order page after paying: one message for a declined card,
 * a Processing step with its time, no "paid" banner once the order has moved on. Then the
 * seller's orders page on a phone. The journeys share one product the demo seller lists here.
 */
const app = journeyBrowser();
const stamp = Date.now().toString(36);
const title = `Honest Ash Bowl ${stamp}`;
let productId = "";
let orderId = "";

/** A 1×1 PNG: the upload checks the bytes; the name is what used to become the alt text. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPYeuQ9AATMAknY0xNGAAAAAElFTkSuQmCC",
  "base64",
);


const raw = /Too (big|small)|expected|Invalid input|<=|>=/;

async function fieldError(page: Page, name: string): Promise<string> {
  const field = page.locator(".field", { has: page.locator(`[name="${name}"]`) });
  return (await field.locator(".field__error").textContent())?.trim() ?? "";
}

describe("the product editor says what is wrong, in plain words, and cuts nothing", () => {
  it("names the price, stock and title limits; a long title is kept whole with a counter", async () => {
    const { page, context } = await app.open();
    await signIn(page, "seller@demo.test");
    await page.goto("/seller/products/new");
    await page.getByTestId("product-form").waitFor();
    const long = "Walnut ".repeat(715).slice(0, 5000);
    await page.fill('input[name="title"]', long);
    expect(await page.inputValue('input[name="title"]')).toHaveLength(5000);
    expect(await page.getByTestId("char-count").first().textContent()).toContain("5,000 / 140 characters: 4,860 over the limit");
    const category = page.locator('select[name="categoryId"] option', { hasText: "Home & Kitchen" }).first();
    await page.selectOption('select[name="categoryId"]', (await category.getAttribute("value"))!);
    await page.fill('input[name="variants.0.sku"]', `HAB-${stamp}`);
    await page.fill('input[name="variants.0.price"]', "99,999,999,999");
    await page.fill('input[name="variants.0.stock"]', "5000000");
    await page.getByTestId("save-product").click();
    await page.locator(".field__error").first().waitFor();
    expect(await fieldError(page, "title")).toBe("Use at most 140 characters");
    expect(await fieldError(page, "variants.0.price")).toBe("A price can be at most 1,000,000.00");
    expect(await fieldError(page, "variants.0.stock")).toBe("Stock can be at most 1,000,000 units");
    expect(await page.locator("main").textContent()).not.toMatch(raw);
    await snap(page, "editor-limits");

    // Put right, with a photo named like a camera names it: its alt text is the product's title.
    await page.fill('input[name="title"]', title);
    await page.fill('input[name="variants.0.price"]', "18.50");
    await page.fill('input[name="variants.0.stock"]', "5");
    await page.getByTestId("image-input").setInputFiles({ name: "IMG_2041.png", mimeType: "image/png", buffer: PNG });
    await page.locator('[data-testid="image-tile"][data-state="ready"]').waitFor();
    expect(await page.getByTestId("image-alt").inputValue()).toBe("");
    expect(await page.getByTestId("image-alt").getAttribute("placeholder")).toBe(title);
    expect(await page.getByTestId("image-tile").locator("img").getAttribute("alt")).toBe(title);
    await page.getByTestId("save-product").click();
    await page.waitForURL(/\/seller\/products\/(?!new)[^/]+$/);
    productId = page.url().split("/").at(-1)!;
    await page.goto(`/products/${productId}`);
    expect(await page.getByTestId("gallery-image").getAttribute("alt")).toBe(title);
    await page.goto(`/search?q=${encodeURIComponent(title)}`);
    expect(await page.locator(`[data-testid="product-card"][data-product-id="${productId}"] img`).getAttribute("alt")).toBe(title);
    await context.close();
  });
});

describe("a buyer", () => {
  it("is told 'Only 5 available' when asking for more, on the product page and in the cart", async () => {
    const { page, context } = await app.open();
    await signIn(page, "buyer@demo.test");
    await page.goto(`/products/${productId}`);
    await page.getByTestId("quantity-input").fill("50");
    await page.getByTestId("quantity-input").press("Enter");
    expect(await page.getByTestId("add-to-cart-status").textContent()).toContain("Only 5 available: the quantity is set to 5, not 50.");
    expect(await page.getByTestId("quantity-input").inputValue()).toBe("5");
    await page.getByTestId("quantity-input").fill("2");
    await page.getByTestId("quantity-input").press("Enter");
    await page.getByTestId("add-to-cart").click();
    await page.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
    await page.goto("/cart");
    const line = page.locator('[data-testid="cart-line"]', { hasText: title });
    await line.getByTestId("quantity-input").fill("9");
    await line.getByTestId("quantity-input").press("Enter");
    expect(await line.getByTestId("line-limit").textContent()).toContain("Only 5 available: the quantity is 5, not 9.");
    await page.locator('[data-testid="cart-line"][data-quantity="5"]', { hasText: title }).waitFor();
    await snap(page, "cart-only-available");
    await line.getByTestId("remove-line").click();
    await line.waitFor({ state: "detached" });
    await context.close();
  });

  it("picks the country from a list named in their language; the next checkout starts from the last address", async () => {
    const { page, context } = await app.browser.newContext({ baseURL: app.baseUrl, locale: "de-DE", viewport: { width: 1280, height: 860 } }).then(async (c) => ({ context: c, page: await c.newPage() }));
    await signUp(page, { name: "Greta Gruber", email: `greta-${stamp}@example.test` });
    await page.goto(`/products/${productId}`);
    await page.getByTestId("add-to-cart").click();
    await page.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
    await page.goto("/checkout");
    const country = page.locator('select[name="country"]');
    await country.waitFor();
    expect(await country.inputValue()).toBe("");
    expect(await country.locator('option[value="DE"]').textContent()).toBe("Deutschland");
    expect(await country.locator('option[value="PT"]').textContent()).toBe("Portugal");
    await page.fill('input[name="line1"]', "Rua Augusta 1");
    await page.fill('input[name="city"]', "Lisboa");
    await page.fill('input[name="postalCode"]', "1100-053");
    await country.selectOption({ label: "Portugal" });
    await snap(page, "checkout-country");
    await page.locator('main button[type="submit"]').click();
    await page.getByTestId("payment-step").waitFor();
    orderId = (await page.getByTestId("payment-step").getAttribute("data-order-id"))!;

    // The server checks the code against the same list: "PO" (a typed "Portugal" cut to two letters) is refused.
    const res = await page.request.post("/trpc/checkout.placeOrder", {
      headers: { "content-type": "application/json" },
      data: { json: { idempotencyKey: `e2e-country-${stamp}`, shippingAddress: { name: "Greta Gruber", line1: "Rua Augusta 1", city: "Lisboa", postalCode: "1100-053", country: "PO" } } },
    });
    expect(res.status()).toBe(400);
    expect((await res.json()).error.json.data.fieldErrors).toEqual({ "shippingAddress.country": ["Choose the country from the list"] });

    // A second checkout starts from the address of the last order.
    await page.goto("/search?q=mug");
    const other = page.getByTestId("product-card").filter({ hasNotText: "Sold out" }).first();
    await other.getByTestId("product-link").click();
    await page.getByTestId("add-to-cart").click();
    await page.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
    await page.goto("/checkout");
    await page.waitForFunction(() => (document.querySelector('select[name="country"]') as HTMLSelectElement | null)?.value === "PT");
    expect(await page.inputValue('input[name="line1"]')).toBe("Rua Augusta 1");
    expect(await page.inputValue('input[name="city"]')).toBe("Lisboa");
    expect(await page.inputValue('input[name="postalCode"]')).toBe("1100-053");
    await context.close();
  });

  it("reads one message for a declined card; after paying, the paid banner leaves once the order moves on, and Processing has its time", async () => {
    const { page, context } = await app.open();
    await signIn(page, `greta-${stamp}@example.test`, "a-long-e2e-password");
    await page.goto(`/orders/${orderId}`);
    await page.getByTestId("order-unpaid").waitFor();
    await page.getByTestId("pay-decline").click();
    await page.getByTestId("payment-failed").waitFor();
    await page.waitForTimeout(300);
    expect(await page.getByRole("alert").filter({ hasText: "declined" }).count()).toBe(1);
    expect(await page.getByTestId("payment-message").count()).toBe(0);
    await snap(page, "order-declined-once");
    await page.getByTestId("pay-now").click();
    await page.getByTestId("order-confirmation").waitFor();

    // The seller processes, ships and delivers.
    const { page: seller, context: sellerCtx } = await app.open();
    await signIn(seller, "seller@demo.test");
    await seller.goto("/seller/orders");
    const card = seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await card.getByTestId("start-processing").click();
    await seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="PROCESSING"]`).waitFor();

    // Processing: the banner has gone, and the timeline's Processing step says when.
    await page.locator('[data-testid="order-page"][data-status="PROCESSING"]').waitFor();
    expect(await page.getByTestId("order-confirmation").count()).toBe(0);
    const processing = page.locator('[data-testid="timeline-step"][data-step="PROCESSING"]');
    expect(await processing.getAttribute("data-state")).toBe("current");
    expect(await processing.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);

    await card.getByTestId("mark-shipped").click();
    await seller.fill('input[name="trackingNumber"]', `TRK${stamp}`);
    await seller.getByTestId("confirm-ship").click();
    await card.getByTestId("mark-delivered").click();
    await page.locator('[data-testid="order-page"][data-status="DELIVERED"]').waitFor();
    await page.reload();
    await page.locator('[data-testid="order-page"][data-status="DELIVERED"]').waitFor();
    expect(page.url()).toContain("placed=1");
    expect(await page.getByTestId("order-confirmation").count()).toBe(0);
    expect(await processing.locator("time").count()).toBe(1);
    await snap(page, "order-delivered-timeline");
    await sellerCtx.close();
    await context.close();
  });
});

describe("the seller's orders on a phone", () => {
  it("a new order is announced above the list, not over the 'Start processing' button, and every tab fits", async () => {
    const phone = { width: 375, height: 760 };
    const { page: seller, context: sellerCtx } = await app.open(phone);
    await signIn(seller, "seller@demo.test");
    await seller.goto("/seller/orders");
    await seller.getByTestId("seller-order-row").first().waitFor();
    await seller.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    // Every tab is on screen, "Shop settings" too, with nothing to scroll sideways.
    const settings = (await seller.getByTestId("tab-settings").boundingBox())!;
    expect(settings.x).toBeGreaterThanOrEqual(0);
    expect(settings.x + settings.width).toBeLessThanOrEqual(phone.width);
    expect(await seller.locator('nav[aria-label="Shop dashboard"]').evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true);

    // A buyer pays an order from this shop while the seller's page is open.
    const { page: buyer, context: buyerCtx } = await app.open();
    await signUp(buyer, { name: "Pia Phone", email: `pia-${stamp}@example.test` });
    await buyer.goto(`/products/${productId}`);
    await buyer.getByTestId("add-to-cart").click();
    await buyer.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
    await buyer.goto("/checkout");
    await buyer.locator('select[name="country"]').waitFor();
    await buyer.fill('input[name="line1"]', "12 Orchard Lane");
    await buyer.fill('input[name="city"]', "Portland");
    await buyer.fill('input[name="postalCode"]', "97205");
    await buyer.selectOption('select[name="country"]', "US");
    await buyer.locator('main button[type="submit"]').click();
    await buyer.getByTestId("pay-now").click();
    await buyer.getByTestId("order-confirmation").waitFor();
    await buyerCtx.close();

    await seller.getByTestId("new-order-notice").waitFor();
    expect(await seller.getByTestId("new-order-notice").textContent()).toContain(title);
    expect(await seller.getByTestId("toast").count()).toBe(0);
    // The new order's button is where a thumb can press it: nothing lies over its centre.
    const start = seller.getByTestId("start-processing").first();
    await start.scrollIntoViewIfNeeded();
    const box = (await start.boundingBox())!;
    const onTop = await seller.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest("[data-testid='start-processing']") !== null, [box.x + box.width / 2, box.y + box.height / 2]);
    expect(onTop).toBe(true);
    await snap(seller, "seller-orders-phone-new-order");
    await sellerCtx.close();
  });
});
