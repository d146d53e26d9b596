import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addToCart, ARTIFACTS, journeyBrowser, openSellerEditor, PHONE, phoneTour, seedProduct, signIn, signUp, snap, toastCoversNone } from "./browser.ts";

const app = journeyBrowser();

async function menu(page: Page, testId: string) {
  await page.getByTestId("account-menu-button").click();
  await page.getByTestId(testId).click();
}

async function fillAddress(page: Page, name?: string) {
  if (name) await page.fill('input[name="name"]', name);
  await page.fill('input[name="line1"]', "12 Orchard Lane");
  await page.fill('input[name="city"]', "Portland");
  await page.fill('input[name="postalCode"]', "97205");
  await page.selectOption('select[name="country"]', "US");
}

describe("buying from two shops in one checkout", () => {
  it("the buyer pays with the test provider, each seller sees and ships only their part, the buyer sees every status live", async () => {
    // 0. A product of each shop, with stock enough for this journey.
    const pot = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Speckled Stoneware Pot", stock: 10, priceCents: 3200 });
    const pan = await seedProduct(app.browser, app.baseUrl, "owner2@demo.test", { title: "Hammered Copper Pan", stock: 10, priceCents: 5400 });

    // 1. The buyer fills a cart from two shops.
    const { page: buyer, context: buyerCtx } = await app.open();
    await signIn(buyer, "buyer@demo.test");
    await addToCart(buyer, pot);
    await buyer.locator('[data-testid="cart-count"][data-count="1"]').waitFor();
    await addToCart(buyer, pan);
    await buyer.locator('[data-testid="cart-count"][data-count="2"]').waitFor();

    // 2. The cart groups the lines per shop; a stepper changes a quantity (10 in stock: it can).
    await buyer.getByTestId("cart-link").click();
    await buyer.waitForURL("**/cart");
    await buyer.getByTestId("cart").waitFor();
    expect(await buyer.getByTestId("cart-shop").count()).toBe(2);
    const potLine = buyer.locator('[data-testid="cart-shop"][data-shop-slug="clay-and-kiln"] [data-testid="cart-line"]');
    expect(await potLine.getByTestId("line-title").textContent()).toBe(pot.title);
    expect(await potLine.getByTestId("quantity-increase").isEnabled()).toBe(true);
    await potLine.getByTestId("quantity-increase").click();
    await buyer.locator('[data-testid="cart-shop"][data-shop-slug="clay-and-kiln"] [data-testid="cart-line"][data-quantity="2"]').waitFor();
    await buyer.locator('[data-testid="cart-count"][data-count="3"]').waitFor();
    await snap(buyer, "cart");

    // 3. Checkout: the address (field errors first), the summary per shop, then "Place order".
    await buyer.getByTestId("checkout-button").click();
    await buyer.waitForURL("**/checkout");
    await buyer.getByTestId("checkout-form").waitFor();
    expect(await buyer.getByTestId("checkout-summary").getByTestId("summary-shop").count()).toBe(2);
    await buyer.fill('input[name="name"]', "");
    await buyer.fill('input[name="line1"]', ""); // filled from the buyer's last order
    await buyer.click('main button[type="submit"]');
    await buyer.getByText("Enter the recipient's name").waitFor();
    await buyer.getByText("Enter the street address").waitFor();
    await snap(buyer, "checkout-errors");
    await fillAddress(buyer, "Bea Buyer");
    await snap(buyer, "checkout");
    await buyer.click('main button[type="submit"]');
    await buyer.getByTestId("payment-step").waitFor();
    const orderId = (await buyer.getByTestId("payment-step").getAttribute("data-order-id"))!;
    expect(buyer.url()).toContain(`order=${orderId}`);
    // The cart emptied with the order.
    await buyer.getByTestId("cart-count").waitFor({ state: "detached" });

    // 4. A declined card leaves the order unpaid; paying then confirms it.
    await buyer.getByTestId("pay-decline").click();
    await buyer.getByTestId("payment-message").getByText("declined").waitFor();
    await snap(buyer, "checkout-payment");
    await buyer.getByTestId("pay-now").click();
    await buyer.waitForURL(`**/orders/${orderId}?placed=1`);
    await buyer.getByTestId("order-confirmation").waitFor();
    const parts = buyer.getByTestId("order-part");
    expect(await parts.count()).toBe(2);
    await buyer.locator('[data-testid="order-part"][data-shop-slug="clay-and-kiln"][data-status="PAID"]').waitFor();
    await buyer.locator('[data-testid="order-part"][data-shop-slug="copper-pot-kitchen"][data-status="PAID"]').waitFor();
    await snap(buyer, "order-confirmation");

    // 5. The order is first in the buyer's list.
    await menu(buyer, "menu-orders");
    await buyer.waitForURL("**/orders");
    await buyer.getByTestId("order-row").first().waitFor();
    expect(await buyer.getByTestId("order-row").first().getAttribute("data-order-id")).toBe(orderId);
    await snap(buyer, "orders");
    await buyer.getByTestId("order-row").first().getByTestId("order-link").click();
    await buyer.waitForURL(`**/orders/${orderId}`);
    await buyer.getByTestId("order-page").waitFor();
    const buyerPart = (slug: string, status: string) => buyer.locator(`[data-testid="order-part"][data-shop-slug="${slug}"][data-status="${status}"]`);

    // 6. Seller A (Clay & Kiln) sees only their part, and moves it to delivered; the buyer's page follows live.
    const { page: sellerA, context: sellerACtx } = await app.open();
    await signIn(sellerA, "seller@demo.test");
    await menu(sellerA, "menu-seller-orders");
    await sellerA.waitForURL("**/seller/orders");
    const rowA = sellerA.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await rowA.waitFor();
    expect(await rowA.count()).toBe(1);
    expect(await rowA.textContent()).toContain(pot.title);
    expect(await rowA.textContent()).not.toContain(pan.title);
    expect(await rowA.getByTestId("seller-order-buyer").textContent()).toBe("Bea Buyer");
    await snap(sellerA, "seller-orders");
    await rowA.getByTestId("start-processing").click();
    await sellerA.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="PROCESSING"]`).waitFor();
    await buyerPart("clay-and-kiln", "PROCESSING").waitFor();
    await rowA.getByTestId("mark-shipped").click();
    await sellerA.getByTestId("ship-form").waitFor();
    await sellerA.fill('input[name="trackingNumber"]', "1Z999AA10123456784");
    await sellerA.getByTestId("confirm-ship").click();
    await sellerA.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    await buyerPart("clay-and-kiln", "SHIPPED").waitFor();
    expect(await buyerPart("clay-and-kiln", "SHIPPED").getByTestId("tracking-number").textContent()).toBe("1Z999AA10123456784");
    await rowA.getByTestId("mark-delivered").click();
    await sellerA.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="DELIVERED"]`).waitFor();
    await buyerPart("clay-and-kiln", "DELIVERED").waitFor();
    // The other shop's part has not moved.
    await buyerPart("copper-pot-kitchen", "PAID").waitFor();

    // 7. Seller B (Copper Pot Kitchen) sees only their part and ships it.
    const { page: sellerB, context: sellerBCtx } = await app.open();
    await signIn(sellerB, "owner2@demo.test");
    await sellerB.goto("/seller/orders?status=PAID");
    const rowB = sellerB.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await rowB.waitFor();
    expect(await rowB.count()).toBe(1);
    expect(await rowB.textContent()).toContain(pan.title);
    expect(await rowB.textContent()).not.toContain(pot.title);
    await rowB.getByTestId("start-processing").click();
    await buyerPart("copper-pot-kitchen", "PROCESSING").waitFor();
    // Filtered to PAID, the order leaves the list once it moves on; all orders show it.
    await sellerB.getByTestId("seller-order-status-filter").selectOption("");
    await sellerB.waitForURL((url) => !url.search.includes("status="));
    const rowBAll = sellerB.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="PROCESSING"]`);
    await rowBAll.waitFor();
    await rowBAll.getByTestId("mark-shipped").click();
    await sellerB.fill('input[name="trackingNumber"]', "CP-7781-22");
    await sellerB.getByTestId("confirm-ship").click();
    await sellerB.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    await buyerPart("copper-pot-kitchen", "SHIPPED").waitFor();
    // The order as a whole is as far as its least advanced part.
    await buyer.locator('[data-testid="order-page"][data-status="SHIPPED"]').waitFor();
    expect(await buyer.getByTestId("timeline-step").count()).toBe(10);
    await snap(buyer, "order-tracking");

    // 8. Seller A's sales figures count the delivered order.
    await sellerA.getByTestId("tab-sales").click();
    await sellerA.waitForURL("**/seller/sales");
    await sellerA.getByTestId("sales-summary").waitFor();
    expect(Number(await sellerA.getByTestId("sales-total").getAttribute("data-cents"))).toBeGreaterThan(0);
    expect(Number(await sellerA.locator('[data-testid="status-count"][data-status="DELIVERED"]').getAttribute("data-count"))).toBeGreaterThanOrEqual(1);
    await snap(sellerA, "sales-summary");

    await sellerBCtx.close();
    await sellerACtx.close();
    await buyerCtx.close();
  });
});

describe("SECURITY 33: unpaid orders at their limit", () => {
  it("a buyer with 3 unpaid orders is told in the cart and at checkout, and pointed to their orders", async () => {
    const { page, context } = await app.open();
    const scarf = await seedProduct(app.browser, app.baseUrl, "owner3@demo.test", { title: "Ribbed Wool Scarf", stock: 10 });
    await signUp(page, { name: "Hold Tester", email: `holds-${Date.now()}@example.test` });
    // Three orders placed and left unpaid (through the API, as a script holding stock would).
    for (let i = 0; i < 3; i++) {
      await addToCart(page, scarf);
      const placed = await page.request.post("/trpc/checkout.placeOrder", {
        data: { json: { idempotencyKey: `e2e-hold-${i}-${Date.now()}`, shippingAddress: { name: "Hold Tester", line1: "1 Main St", city: "Portland", postalCode: "97205", country: "US" } } },
      });
      expect(placed.status()).toBe(200);
    }
    await addToCart(page, scarf);
    await page.goto("/cart");
    await page.getByTestId("cart").waitFor();
    expect(await page.getByTestId("checkout-button").isDisabled()).toBe(true);
    await page.getByText("You have 3 unpaid orders").first().waitFor();

    await page.goto("/checkout");
    const blocked = page.getByTestId("checkout-blocked");
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain("You have 3 unpaid orders, the most you can have at once: pay or cancel one to place another.");
    expect(await page.getByTestId("place-order").isDisabled()).toBe(true);
    await snap(page, "checkout-unpaid-limit");
    await blocked.getByTestId("unpaid-orders-link").click();
    await page.waitForURL("**/orders");
    await page.getByTestId("order-row").first().waitFor();
    expect(await page.getByTestId("order-row").count()).toBe(3);
    await context.close();
  });
});

describe("the guest cart", () => {
  it("is kept in the browser, then merged into the account at sign-in on the way to checkout", async () => {
    const picked = await seedProduct(app.browser, app.baseUrl, "owner3@demo.test", { title: "Cabled Wool Mittens", stock: 10 });
    const { page, context } = await app.open();
    await addToCart(page, picked);
    await page.locator('[data-testid="cart-count"][data-count="1"]').waitFor();
    await page.goto("/cart");
    await page.locator('[data-testid="cart"][data-guest="true"]').waitFor();
    expect(await page.getByTestId("line-title").textContent()).toBe(picked.title);
    await snap(page, "cart-guest");

    // Checking out asks to sign in, then comes back with the cart moved into the account.
    await page.getByTestId("checkout-button").click();
    await page.waitForURL(/\/sign-in\?redirect=(%2F|\/)checkout/);
    await page.fill('input[name="email"]', "buyer2@demo.test");
    await page.fill('input[name="password"]', "demo-password-1");
    await page.click('main button[type="submit"]');
    await page.waitForURL("**/checkout");
    await page.getByText("from before you signed in").waitFor();
    await page.getByTestId("checkout-summary").getByTestId("summary-line").first().waitFor();
    expect(await page.getByTestId("checkout-summary").textContent()).toContain(picked.title);
    expect(await page.evaluate(() => localStorage.getItem("bazaar.guestCart"))).toBeNull();

    // Leave the account's cart empty again.
    await page.goto("/cart");
    await page.getByTestId("clear-cart").click();
    await page.getByTestId("confirm-clear-cart").click();
    await page.getByTestId("cart-empty").waitFor();
    await context.close();
  });

  it("a seller cannot add their own shop's product", async () => {
    const own = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Glazed Tea Bowl", stock: 10 });
    const { page, context } = await app.open();
    await signIn(page, "seller@demo.test");
    await page.goto(`/products/${own.productId}`);
    await page.locator(`[data-testid="product-page"][data-product-id="${own.productId}"]`).waitFor();
    await page.getByTestId("add-to-cart").click();
    await page.locator('[data-testid="add-to-cart-status"][data-tone="error"]').getByText("your own shop").waitFor();
    await context.close();
  });
});

/** Sets the first option's stock in the open product editor and waits for the save to answer. */
async function saveFirstStock(seller: Page, stock: string) {
  await seller.fill('input[name="variants.0.stock"]', stock);
  await Promise.all([
    seller.waitForResponse((r) => r.url().includes("/trpc/product.update") && r.ok()),
    seller.getByTestId("save-product").click(),
  ]);
}

describe("stock that runs out during checkout", () => {
  it("the order is refused and the lines that ran out are marked", async () => {
    const jug = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Last Few Jugs", stock: 5 });
    const { seller, context: sellerCtx } = await openSellerEditor(app.browser, app.baseUrl, "seller@demo.test", jug.productId);

    const { page: buyer, context: buyerCtx } = await app.open();
    await signIn(buyer, "buyer4@demo.test");
    await addToCart(buyer, jug);
    await buyer.goto("/checkout");
    await buyer.getByTestId("checkout-form").waitFor();
    await fillAddress(buyer);

    // Meanwhile the last units are gone.
    await saveFirstStock(seller, "0");
    await buyer.click('main button[type="submit"]');
    await buyer.getByTestId("checkout-summary").getByTestId("summary-line-problem").waitFor();
    expect(await buyer.getByTestId("form-error").textContent()).toContain("no longer in stock");
    await snap(buyer, "checkout-stock-ran-out");
    await buyer.getByTestId("form-error").getByRole("link", { name: "Review your cart" }).click();
    await buyer.locator('[data-testid="line-warning"][data-warning="OUT_OF_STOCK"]').waitFor();
    expect(await buyer.getByTestId("checkout-button").isDisabled()).toBe(true);
    await buyer.getByTestId("remove-line").click();
    await buyer.getByTestId("cart-empty").waitFor();
    await buyerCtx.close();
    await sellerCtx.close();
  });
});

describe("the buying pages on a phone", () => {
  it("product, cart, checkout, payment, order, orders, seller orders and sales fit 375 px", async () => {
    const card = await seedProduct(app.browser, app.baseUrl, "owner5@demo.test", { title: "Letterpress Notecards", stock: 10 });
    const soap = await seedProduct(app.browser, app.baseUrl, "owner6@demo.test", { title: "Lavender Oat Soap", stock: 10 });
    const { page, context } = await app.open(PHONE);
    const tour = phoneTour(page);
    await tour.signIn("buyer3@demo.test", `/products/${card.productId}`);
    await addToCart(page, card);
    await tour.check();
    await addToCart(page, soap);
    await tour.check("product-added-mobile");
    await page.goto("/cart");
    await page.getByTestId("cart").waitFor();
    await tour.check("cart-mobile");
    await page.getByTestId("checkout-button").click();
    await page.getByTestId("checkout-form").waitFor();
    await fillAddress(page);
    await tour.check("checkout-mobile");
    await page.click('main button[type="submit"]');
    await page.getByTestId("payment-step").waitFor();
    await tour.check("checkout-payment-mobile");
    const orderId = (await page.getByTestId("payment-step").getAttribute("data-order-id"))!;
    await page.getByTestId("pay-now").click();
    await page.getByTestId("order-confirmation").waitFor();
    await tour.check("order-mobile");
    await page.goto("/orders");
    await page.getByTestId("order-row").first().waitFor();
    await tour.check("orders-mobile");

    await tour.signIn("owner5@demo.test", "/seller/orders");
    await page.getByTestId("seller-order-row").first().waitFor();
    await tour.check("seller-orders-mobile");
    // A toast covers none of the orders' buttons on a phone: the order is started and shipped,
    // and while "marked shipped" shows, every next-step button on the page is checked against it.
    const row = page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await row.getByTestId("start-processing").click();
    await row.getByTestId("mark-shipped").click();
    await page.fill('input[name="trackingNumber"]', "1Z999AA10123456785");
    await page.getByTestId("confirm-ship").click();
    await page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    const toast = page.getByTestId("toast").filter({ hasText: "marked shipped" });
    const actions = page.locator('[data-testid="seller-order-row"] footer button');
    await toast.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/seller-orders-toast-mobile.png` }); // the screen as the seller sees it
    expect(await toastCoversNone(toast, actions)).toBeGreaterThan(0);
    await page.goto("/seller/sales");
    await page.getByTestId("sales-summary").waitFor();
    await tour.check("sales-summary-mobile");
    tour.end();
    await context.close();
  });
});
