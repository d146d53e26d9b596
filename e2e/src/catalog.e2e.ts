import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { journeyBrowser, openSellerEditor, PHONE, phoneTour, seedProduct, signIn, signUp, snap, verifyEmailByMail } from "./browser.ts";

const app = journeyBrowser();
let tmp: string;
let pngPath: string;

/** CRC-32 as PNG chunks use it. */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/**
 * A real PNG made here: a small square, amber with a teal disc, so the photo is visible in the
 * screenshots (the server checks uploads by their bytes, not their name).
 */
function makePng(size = 64): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < size; x++) {
      const inDisc = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 3) ** 2;
      rows.push(...(inDisc ? [15, 118, 110] : [243, 196, 120]));
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "mk-e2e-img-"));
  pngPath = path.join(tmp, "lantern-photo.png");
  writeFileSync(pngPath, makePng());
});
afterAll(async () => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Opens the account menu and follows one of its entries. */
async function menu(page: Page, testId: string) {
  await page.getByTestId("account-menu-button").click();
  await page.getByTestId(testId).click();
}

describe("a new shop, from sign-up to a buyer's search", () => {
  it("signs up, opens a shop, gets approved, lists a product with a photo, and a buyer finds it", async () => {
    const stamp = Date.now().toString(36);
    const shopName = `Fern and Flint ${stamp}`;
    const title = `Zephyr Brass Lantern ${stamp}`;

    // 1. A new person signs up and asks to open a shop.
    const { page: seller, context: sellerCtx } = await app.open();
    await signUp(seller, { name: "Fiona Flint", email: `fiona-${stamp}@example.test` });
    // Opening a shop needs a confirmed address: the link in the sign-up's mail.
    await verifyEmailByMail(seller, inject("mailDir"), `fiona-${stamp}@example.test`);
    await menu(seller, "menu-open-shop");
    await seller.waitForURL("**/seller");
    await seller.getByTestId("open-shop-form").waitFor();
    await snap(seller, "seller-open-shop");
    await seller.fill('input[name="name"]', shopName);
    await seller.fill('textarea[name="description"]', "Hand-finished brass lanterns and candle holders.");
    await seller.getByTestId("open-shop-submit").click();
    await seller.locator('[data-testid="shop-status-panel"][data-status="PENDING"]').waitFor();
    expect(await seller.getByTestId("shop-status-panel").textContent()).toContain("Waiting for approval");
    await snap(seller, "seller-pending");

    // 2. An admin approves it in the shops queue.
    const { page: admin, context: adminCtx } = await app.open();
    await signIn(admin, "admin@demo.test");
    await admin.goto("/admin/shops");
    const row = admin.locator(`[data-testid="shop-row"][data-shop-name="${shopName}"]`);
    await row.waitFor();
    expect(await row.getByTestId("shop-status").getAttribute("data-status")).toBe("PENDING");
    await snap(admin, "admin-shops");
    await row.getByTestId("approve-shop").click();
    await admin.getByTestId("approve-confirm").click();
    await row.locator('[data-testid="shop-status"][data-status="ACTIVE"]').waitFor();
    await adminCtx.close();

    // 3. The owner's dashboard opens (and the menu shows the SELLER role); they add a product.
    // The pending page hears the approval at once (shop.updated); "Check again" asks the server.
    if (await seller.getByTestId("check-approval").isVisible()) await seller.getByTestId("check-approval").click();
    await seller.getByTestId("new-product").waitFor();
    await seller.locator('[data-testid="user-role"][data-role="SELLER"]').waitFor();
    await seller.getByTestId("new-product").click();
    await seller.waitForURL("**/seller/products/new");
    await seller.fill('input[name="title"]', title);
    await seller.fill('textarea[name="description"]', "A lantern of solid brass, hand-finished, for one tealight.");
    const category = seller.locator('select[name="categoryId"] option', { hasText: "Home Decor" });
    await seller.selectOption('select[name="categoryId"]', (await category.getAttribute("value"))!);
    await seller.fill('input[name="variants.0.sku"]', `ZBL-${stamp}-S`);
    await seller.fill('input[name="variants.0.title"]', "Small");
    await seller.fill('input[name="variants.0.price"]', "24.50");
    await seller.fill('input[name="variants.0.stock"]', "7");
    await seller.getByTestId("add-variant").click();
    await seller.fill('input[name="variants.1.sku"]', `ZBL-${stamp}-L`);
    await seller.fill('input[name="variants.1.title"]', "Large");
    await seller.fill('input[name="variants.1.price"]', "31");
    await seller.fill('input[name="variants.1.stock"]', "2");
    await seller.getByTestId("image-input").setInputFiles(pngPath);
    await seller.locator('[data-testid="image-tile"][data-state="ready"]').waitFor();
    await snap(seller, "product-editor-new");
    await seller.getByTestId("save-product").click();
    await seller.waitForURL(/\/seller\/products\/(?!new)[^/]+$/);
    const productId = seller.url().split("/").at(-1)!;
    await seller.getByTestId("view-in-catalog").waitFor();
    await snap(seller, "product-editor");
    await seller.goto("/seller");
    await seller.locator(`[data-testid="seller-product-row"][data-product-id="${productId}"]`).waitFor();
    expect(await seller.getByTestId("seller-product-stock").first().getAttribute("data-stock")).toBe("9");
    await snap(seller, "seller-dashboard");
    await sellerCtx.close();

    // 4. A buyer searches for it, narrows with filters, and opens its page.
    const { page: buyer, context: buyerCtx } = await app.open();
    await signIn(buyer, "buyer@demo.test");
    await buyer.getByTestId("header-search").fill("zephyr lantern");
    await buyer.getByTestId("header-search").press("Enter");
    await buyer.waitForURL(/\/search\?q=zephyr/);
    const card = buyer.locator(`[data-testid="product-card"][data-product-id="${productId}"]`);
    await card.waitFor();
    await buyer.getByTestId("in-stock-filter").check();
    await buyer.waitForURL(/stock=1/);
    await buyer.getByTestId("price-option").filter({ hasText: "$10 – $25" }).locator("input").check();
    await buyer.waitForURL(/min=10&max=24\.99/);
    await card.waitFor();
    await buyer.locator('[data-testid="search-results"][aria-busy="false"]').waitFor();
    await snap(buyer, "search");
    // The back button undoes the last filter.
    await buyer.goBack();
    await buyer.waitForURL((url) => !url.search.includes("min="));
    await card.waitFor();
    await card.getByTestId("product-link").click();
    await buyer.waitForURL(`**/products/${productId}`);
    expect(await buyer.getByTestId("product-title").textContent()).toBe(title);
    expect(await buyer.getByTestId("product-price").textContent()).toContain("24.50");
    expect(await buyer.getByTestId("gallery-image").getAttribute("src")).toMatch(/^\/uploads\/[a-z0-9]+\.png$/);
    await snap(buyer, "product");
    await buyer.getByTestId("product-shop").click();
    await buyer.getByTestId("shop-page").waitFor();
    expect(await buyer.getByTestId("shop-name").textContent()).toBe(shopName);
    await snap(buyer, "shop");
    await buyerCtx.close();
  });
});

describe("real time", () => {
  it("a buyer's product page shows the stock the seller just saved, without a reload", async () => {
    const { productId } = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Live Stock Vase", stock: 10 });
    const { seller, context: sellerCtx } = await openSellerEditor(app.browser, app.baseUrl, "seller@demo.test", productId);

    const { page: buyer, context: buyerCtx } = await app.open();
    await buyer.goto(`/products/${productId}`);
    await buyer.locator('[data-testid="product-page"][data-watching="true"]').waitFor();
    await buyer.locator('[data-testid="variant-stock"][data-stock="10"]').waitFor();
    await buyer.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    await seller.fill('input[name="variants.0.stock"]', "3");
    await seller.getByTestId("save-product").click();
    await buyer.locator('[data-testid="variant-stock"][data-stock="3"]').waitFor();
    expect(await buyer.getByTestId("variant-stock").textContent()).toContain("Only 3 left");
    await seller.fill('input[name="variants.0.stock"]', "0");
    await seller.getByTestId("save-product").click();
    await buyer.locator('[data-testid="variant-stock"][data-stock="0"]').waitFor();
    expect(await buyer.getByTestId("variant-stock").textContent()).toContain("Sold out");
    expect(await buyer.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await snap(buyer, "product-live-stock");

    await seller.fill('input[name="variants.0.stock"]', "12");
    await seller.getByTestId("save-product").click();
    await buyer.locator('[data-testid="variant-stock"][data-stock="12"]').waitFor();
    await buyerCtx.close();
    await sellerCtx.close();
  });

  it("after a dropped connection, the product page catches up with stock saved meanwhile, without a reload", async () => {
    const { productId } = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Reconnecting Vase", stock: 10 });
    const { seller, context: sellerCtx } = await openSellerEditor(app.browser, app.baseUrl, "seller@demo.test", productId);

    // The buyer's real-time connection runs through a switch the test can open and close.
    const { page: buyer, context: buyerCtx } = await app.open();
    let cut = false;
    const open: { close(): Promise<void> }[] = [];
    await buyer.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close();
      const server = ws.connectToServer();
      open.push({ close: async () => void (await Promise.all([server.close(), ws.close()])) });
    });
    await buyer.route(/\/socket\.io\/.*transport=polling/, (route) => (cut ? route.abort() : route.continue()));
    await buyer.goto(`/products/${productId}`);
    await buyer.locator('[data-testid="product-page"][data-watching="true"]').waitFor();
    await buyer.locator('[data-testid="variant-stock"][data-stock="10"]').waitFor();
    await buyer.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    cut = true;
    await Promise.all(open.splice(0).map((c) => c.close()));
    await buyer.locator('[data-testid="live-status"][data-status="reconnecting"]').waitFor();
    await seller.fill('input[name="variants.0.stock"]', "4");
    await seller.getByTestId("save-product").click();
    await seller.getByTestId("toasts").getByText("Your changes are saved.").waitFor();
    // Its stock.changed went out while the buyer was away: the page cannot know yet.
    expect(await buyer.locator('[data-testid="variant-stock"][data-stock="4"]').count()).toBe(0);

    cut = false; // the client's next attempt gets through; it refetches what the page shows
    await buyer.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 30_000 });
    await buyer.locator('[data-testid="variant-stock"][data-stock="4"]').waitFor();
    expect(await buyer.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    await seller.fill('input[name="variants.0.stock"]', "12");
    await seller.getByTestId("save-product").click();
    await buyer.locator('[data-testid="variant-stock"][data-stock="12"]').waitFor(); // live again
    await buyerCtx.close();
    await sellerCtx.close();
  }, 90_000);

  it("the admin's activity feed shows new sign-ups live, and holds them while paused", async () => {
    const { page: admin, context: adminCtx } = await app.open();
    await signIn(admin, "admin@demo.test");
    await menu(admin, "menu-admin");
    await admin.getByTestId("admin-nav-activity").click();
    await admin.waitForURL("**/admin/activity");
    await admin.getByTestId("activity-item").first().waitFor();
    await admin.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    const stamp = Date.now().toString(36);
    const { page: visitor, context: visitorCtx } = await app.open();
    await signUp(visitor, { name: `Lucy Live ${stamp}`, email: `lucy-${stamp}@example.test` });
    const first = admin.getByTestId("activity-summary").filter({ hasText: `Lucy Live ${stamp} signed up` });
    await first.waitFor();
    expect(await admin.getByTestId("activity-item").first().getAttribute("data-kind")).toBe("user.registered");
    await snap(admin, "admin-activity");

    // Paused: the next sign-up is counted, not shown, until resumed.
    await admin.getByTestId("activity-pause").click();
    const { page: visitor2, context: visitor2Ctx } = await app.open();
    await signUp(visitor2, { name: `Max Paused ${stamp}`, email: `max-${stamp}@example.test` });
    await admin.locator('[data-testid="activity-new-count"][data-count="1"]').waitFor();
    expect(await admin.getByTestId("activity-summary").filter({ hasText: `Max Paused ${stamp}` }).count()).toBe(0);
    await snap(admin, "admin-activity-paused");
    await admin.getByTestId("activity-new-count").click();
    await admin.getByTestId("activity-summary").filter({ hasText: `Max Paused ${stamp} signed up` }).waitFor();

    // The kind filter lives in the URL.
    await admin.getByTestId("activity-kind-filter").selectOption("shop.created");
    await admin.waitForURL(/kind=shop\.created/);
    await admin.locator('[data-testid="activity-item"][data-kind="shop.created"]').first().waitFor();
    expect(await admin.locator('[data-testid="activity-item"]:not([data-kind="shop.created"])').count()).toBe(0);

    await visitor2Ctx.close();
    await visitorCtx.close();
    await adminCtx.close();
  });
});

describe("the new pages on a phone", () => {
  it("search, product, shop, seller and admin pages fit 375 px", async () => {
    const { page, context } = await app.open(PHONE);
    const tour = phoneTour(page);
    await page.goto("/search?q=mug");
    await page.getByTestId("product-card").first().waitFor();
    await page.getByTestId("filters-toggle").click();
    await tour.check("search-mobile");
    await page.getByTestId("product-link").first().click();
    await page.getByTestId("product-page").waitFor();
    await tour.check("product-mobile");
    await page.getByTestId("product-shop").click();
    await page.getByTestId("shop-page").waitFor();
    await tour.check("shop-mobile");
    await tour.signIn("seller@demo.test", "/seller");
    await page.getByTestId("seller-product-row").first().waitFor();
    await tour.check("seller-dashboard-mobile");
    await page.getByTestId("edit-product").first().click();
    await page.getByTestId("product-form").waitFor();
    await tour.check("product-editor-mobile");
    await tour.signIn("admin@demo.test", "/admin/shops");
    await page.getByTestId("shop-row").first().waitFor();
    await tour.check("admin-shops-mobile");
    await page.goto("/admin/activity");
    await page.getByTestId("activity-item").first().waitFor();
    await tour.check("admin-activity-mobile");
    tour.end();
    await context.close();
  });
});
