import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { addToCart, launch, newPage, seedProduct, signIn, snap } from "./browser.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const valueOf = async (page: Page, testid: string) => Number(await page.getByTestId(testid).getAttribute("data-value"));

/**
 * Waits until the figure reaches `atLeast` without a reload (the live refetch runs at most every
 * 2 s). At least: journeys of other files may buy from the same demo shop at the same time.
 */
async function figureReaches(page: Page, testid: string, atLeast: number) {
  await page.waitForFunction(
    ([id, min]) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute("data-value")) >= min,
    [testid, atLeast] as const,
    { timeout: 20_000 },
  );
}

async function buyAndPay(buyer: Page, product: { productId: string; title: string }) {
  await addToCart(buyer, product);
  await buyer.goto("/checkout");
  await buyer.getByTestId("checkout-form").waitFor();
  await buyer.fill('input[name="name"]', "Dee Dashboard");
  await buyer.fill('input[name="line1"]', "12 Orchard Lane");
  await buyer.fill('input[name="city"]', "Portland");
  await buyer.fill('input[name="postalCode"]', "97205");
  await buyer.selectOption('select[name="country"]', "US");
  await buyer.click('main button[type="submit"]');
  await buyer.getByTestId("payment-step").waitFor();
  await buyer.getByTestId("pay-now").click();
  await buyer.getByTestId("order-confirmation").waitFor();
}

describe("dashboards", () => {
  it("the admin lands on the overview, whose charts draw the seeded sales, each with its table", async () => {
    const { page, context } = await newPage(browser, baseUrl, { width: 1440, height: 1400 });
    await signIn(page, "admin@demo.test");
    await page.goto("/admin");
    await page.waitForURL("**/admin/overview");
    await page.getByTestId("admin-overview").waitFor();
    await page.getByTestId("period-90d").check({ force: true });
    await page.locator('[data-testid="chart-gmv"][data-points="90"][data-ready="true"] canvas').waitFor();
    await page.locator('[data-testid="chart-users"][data-ready="true"] canvas').waitFor();
    expect(await valueOf(page, "figure-gmvCents")).toBeGreaterThan(0);
    expect(await valueOf(page, "figure-orders")).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="top-shops"] [data-testid="top-row"]').count()).toBeGreaterThan(0);
    // The chart's numbers for screen readers: a table of the same 90 days.
    await page.locator('[data-testid="chart-gmv"] summary').click();
    expect(await page.locator('[data-testid="chart-gmv"] details tbody tr').count()).toBe(90);
    await page.locator('[data-testid="chart-gmv"] summary').click();
    await snap(page, "admin-overview");
    await context.close();
  });

  it("a purchase in another browser moves the admin's counters and the seller's revenue once paid, without a reload", async () => {
    const product = await seedProduct(browser, baseUrl, "seller@demo.test", { title: "Dashboard Mug", stock: 5, priceCents: 2345 });
    const { page: admin, context: adminCtx } = await newPage(browser, baseUrl);
    await signIn(admin, "admin@demo.test");
    await admin.goto("/admin/overview");
    await admin.getByTestId("period-today").check({ force: true });
    await admin.locator('[data-testid="chart-gmv"][data-points="1"]').waitFor();
    const ordersBefore = await valueOf(admin, "figure-orders");
    const gmvBefore = await valueOf(admin, "figure-gmvCents");

    const { page: seller, context: sellerCtx } = await newPage(browser, baseUrl);
    await signIn(seller, "seller@demo.test");
    await seller.goto("/seller/sales");
    await seller.getByTestId("seller-figures").waitFor();
    await seller.getByTestId("period-today").check({ force: true });
    await seller.locator('[data-testid="chart-revenue"][data-points="1"]').waitFor();
    const revenueBefore = await valueOf(seller, "seller-figure-revenueCents");

    const { page: buyer, context: buyerCtx } = await newPage(browser, baseUrl);
    await signIn(buyer, "buyer@demo.test");
    await buyAndPay(buyer, product);

    await figureReaches(seller, "seller-figure-revenueCents", revenueBefore + 2345);
    await figureReaches(admin, "figure-orders", ordersBefore + 1);
    await figureReaches(admin, "figure-gmvCents", gmvBefore + 2345);
    await snap(seller, "seller-dashboard");
    await Promise.all([adminCtx.close(), sellerCtx.close(), buyerCtx.close()]);
  });
});
