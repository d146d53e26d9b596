import type { APIRequestContext } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { call, journeyBrowser, seedProduct, signIn, snap, verifyEmailByMail } from "./browser.ts";
import { linkIn, waitForMail } from "./mailbox.ts";

/**
 * Shop teams as a shop lives them: the owner invites a packer by email; the packer signs up through
 * the mail's link, confirms the address, accepts, sees only the orders (no prices), and ships one;
 * the owner sees who shipped it.
 */
const app = journeyBrowser();
const mailDir = inject("mailDir");
const OWNER = "seller@demo.test";
const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** A paid order of `productId` by a new buyer, through the API: its order id. */
async function paidOrder(api: APIRequestContext, productId: string): Promise<string> {
  const email = `team-buyer-${stamp()}@example.test`;
  await call(api, "mutation", "auth.register", { email, password: "a-long-e2e-password", name: "Tess Buyer" });
  const product = await call<{ variants: { id: string }[] }>(api, "query", "catalog.product", { id: productId });
  await call(api, "mutation", "cart.add", { variantId: product.variants[0]!.id, quantity: 1 });
  const placed = await call<{ orderId: string }>(api, "mutation", "checkout.placeOrder", {
    idempotencyKey: `team-${stamp()}`,
    shippingAddress: { name: "Tess Buyer", line1: "2 Side St", city: "Springfield", postalCode: "12345", country: "US" },
  });
  await call(api, "mutation", "payment.confirmTest", { id: placed.orderId });
  return placed.orderId;
}

describe("shop teams", () => {
  it("the owner invites a packer, who signs up through the mailed link, sees only orders, ships one; the owner sees who shipped it", async () => {
    const packerEmail = `packer-${stamp()}@example.test`;
    const packerName = `Ana Packer ${stamp().slice(-4)}`;

    // The owner invites by email, as Fulfilment.
    const owner = await app.open();
    await signIn(owner.page, OWNER);
    await owner.page.goto("/seller/team");
    await owner.page.getByTestId("team-members").waitFor();
    await owner.page.fill('input[name="email"]', packerEmail);
    await owner.page.selectOption('select[name="role"]', "FULFILMENT");
    await owner.page.getByTestId("send-invite").click();
    expect(await owner.page.getByTestId("invite-url").inputValue()).toMatch(/\/team\/join\?token=/);
    await snap(owner.page, "team-page");

    // The packer: the mail's link, a new account with that address, its confirmation, then accept.
    const mail = await waitForMail(mailDir, packerEmail, /invites you to/);
    const link = linkIn(mail, "/team/join");
    const packer = await app.open();
    await packer.page.goto(link);
    await packer.page.getByTestId("join-sign-up").click();
    await packer.page.fill('input[name="name"]', packerName);
    await packer.page.fill('input[name="email"]', packerEmail);
    await packer.page.fill('input[name="password"]', "a-long-e2e-password");
    await packer.page.click('main button[type="submit"]');
    await packer.page.waitForURL((url) => url.pathname === "/team/join");
    await verifyEmailByMail(packer.page, mailDir, packerEmail);
    await packer.page.goto(link);
    await packer.page.getByTestId("accept-invite").click();
    await packer.page.waitForURL("**/seller/orders");

    // Only orders: no products, sales, reviews, settings; the team page is not theirs either.
    await packer.page.getByTestId("tab-orders").waitFor();
    for (const tab of ["tab-products", "tab-sales", "tab-reviews", "tab-settings", "tab-team"]) expect(await packer.page.getByTestId(tab).count(), tab).toBe(0);

    // A paid order of the shop: the packer sees it without prices and ships it.
    const product = await seedProduct(app.browser, app.baseUrl, OWNER, { title: "Packing mug", stock: 5 });
    const buyer = await app.browser.newContext({ baseURL: app.baseUrl });
    const orderId = await paidOrder(buyer.request, product.productId);
    await buyer.close();
    await packer.page.reload();
    const row = packer.page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await row.getByTestId("seller-order-subtotal").count()).toBe(0);
    expect(await row.getByTestId("cancel-seller-order").count()).toBe(0);
    await row.getByTestId("start-processing").click();
    await packer.page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="PROCESSING"]`).waitFor();
    await row.getByTestId("mark-shipped").click();
    await packer.page.getByTestId("ship-form").waitFor();
    await packer.page.fill('input[name="trackingNumber"]', "PACK-1234");
    await packer.page.getByTestId("confirm-ship").click();
    await packer.page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`).waitFor();
    await snap(packer.page, "team-packer-orders");

    // The owner sees who did it.
    await owner.page.goto("/seller/orders");
    const ownerRow = owner.page.locator(`[data-testid="seller-order-row"][data-order-id="${orderId}"][data-status="SHIPPED"]`);
    await ownerRow.waitFor();
    expect(await ownerRow.getByTestId("seller-order-timeline").textContent()).toContain(`Shipped by ${packerName} (Fulfilment)`);
    await snap(owner.page, "team-owner-sees-shipped-by");
    await packer.context.close();
    await owner.context.close();
  });
});
