import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { addToCart, journeyBrowser, seedProduct, signIn, snap } from "./browser.ts";

/**
 * A seller gets paid: Felix (owner6, not onboarded in the demo data) connects a payout account
 * with the test provider (enabled at once), a buyer's order is delivered, and — the test server
 * holds payouts 0 days and runs the payout worker every second — the seller's statement shows
 * the transfer for that order.
 */
const app = journeyBrowser();
const SELLER = "owner6@demo.test";

async function buyAndPay(buyer: Page, product: { productId: string; title: string }): Promise<string> {
  await addToCart(buyer, product);
  await buyer.goto("/checkout");
  await buyer.getByTestId("checkout-form").waitFor();
  await buyer.fill('input[name="name"]', "Bea Buyer");
  await buyer.fill('input[name="line1"]', "12 Orchard Lane");
  await buyer.fill('input[name="city"]', "Portland");
  await buyer.fill('input[name="postalCode"]', "97205");
  await buyer.selectOption('select[name="country"]', "US");
  await buyer.click('main button[type="submit"]');
  await buyer.getByTestId("payment-step").waitFor();
  const orderId = (await buyer.getByTestId("payment-step").getAttribute("data-order-id"))!;
  await buyer.getByTestId("pay-now").click();
  await buyer.getByTestId("order-confirmation").waitFor();
  return orderId;
}

describe("payouts", () => {
  it("a seller connects, a buyer's order is delivered, and after the hold the seller's statement shows its transfer", async () => {
    const { page: seller, context: sellerCtx } = await app.open();
    await signIn(seller, SELLER);
    await seller.goto("/seller/payouts");
    await seller.locator('[data-testid="payout-account"][data-state="none"]').waitFor();
    // Sold before onboarding: the earnings wait.
    expect(Number(await seller.getByTestId("payout-available").getAttribute("data-cents"))).toBeGreaterThan(0);
    await snap(seller, "payouts-not-connected");

    await seller.getByTestId("payout-connect").click();
    await seller.locator('[data-testid="payout-account"][data-state="enabled"]').waitFor();
    expect(new URL(seller.url()).search).toBe("");

    const product = await seedProduct(app.browser, app.baseUrl, SELLER, { title: "Payout Soap", stock: 5, priceCents: 2500 });
    const { page: buyer, context: buyerCtx } = await app.open();
    await signIn(buyer, "buyer@demo.test");
    const orderId = await buyAndPay(buyer, product);

    await seller.goto("/seller/orders");
    const row = seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await row.waitFor();
    await row.getByTestId("start-processing").click();
    await seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="PROCESSING"]`).waitFor();
    await row.getByTestId("mark-shipped").click();
    await seller.getByTestId("ship-form").waitFor();
    await seller.fill('input[name="trackingNumber"]', "1Z999AA10123456785");
    await seller.getByTestId("confirm-ship").click();
    await seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    await row.getByTestId("mark-delivered").click();
    await seller.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="DELIVERED"]`).waitFor();

    // The worker runs every second: the statement shows the transfer (25.00 less the 10% fee).
    await seller.goto("/seller/payouts");
    const transfer = seller.locator(`[data-testid="payout-transfer"][data-order-id="${orderId}"][data-status="PAID"]`);
    for (let i = 0; i < 30 && !(await transfer.count()); i++) {
      await seller.waitForTimeout(1_000);
      await seller.reload();
      await seller.getByTestId("payout-summary").waitFor();
    }
    await transfer.waitFor({ timeout: 5_000 });
    expect(Number(await transfer.getAttribute("data-cents"))).toBe(2250);
    expect(Number(await seller.getByTestId("payout-paid-out").getAttribute("data-cents"))).toBeGreaterThanOrEqual(2250);
    await snap(seller, "payouts-statement");

    // This month's statement (CSV) lists the payout line.
    const [download] = await Promise.all([seller.waitForEvent("download"), seller.getByTestId("statement-download").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toBe("Date (UTC),Type,Seller order,Order,Amount,Currency");
    expect(csv).toContain(`,Payout,`);
    expect(csv).toContain(orderId);
    await Promise.all([sellerCtx.close(), buyerCtx.close()]);
  });
});
