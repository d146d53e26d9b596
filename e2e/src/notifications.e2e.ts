import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { call, launch, newPage, seedProduct, signIn, snap, DEMO_PASSWORD } from "./browser.ts";
import { waitForMailThat } from "./mailbox.ts";

const baseUrl = inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("notifications", () => {
  it("a seller's bell counts a paid order live; the list opens it and marks all read; the buyer's confirmation is in the local mailbox", async () => {
    const product = await seedProduct(browser, baseUrl, "seller@demo.test", { title: "Glazed Tea Bowl", stock: 5, priceCents: 2400 });

    // The seller watches the home page, with everything read so far.
    const { page: seller, context: sellerCtx } = await newPage(browser, baseUrl);
    await signIn(seller, "seller@demo.test");
    await call(sellerCtx.request, "mutation", "notification.markAllRead");
    await seller.goto("/");
    await seller.getByTestId("notification-bell").waitFor();
    expect(await seller.getByTestId("notification-count").count()).toBe(0);

    // A buyer orders and pays, in another browser.
    const { context: buyerCtx } = await newPage(browser, baseUrl);
    await call(buyerCtx.request, "mutation", "auth.login", { email: "buyer@demo.test", password: DEMO_PASSWORD });
    await call(buyerCtx.request, "mutation", "cart.add", { variantId: (await call<{ variants: { id: string }[] }>(buyerCtx.request, "query", "catalog.product", { id: product.productId })).variants[0]!.id, quantity: 1 });
    const placed = await call<{ orderId: string }>(buyerCtx.request, "mutation", "checkout.placeOrder", {
      idempotencyKey: `e2e-notify-${Date.now()}`,
      shippingAddress: { name: "Bea Buyer", line1: "12 Orchard Lane", city: "Portland", postalCode: "97205", country: "US" },
    });
    await call(buyerCtx.request, "mutation", "payment.confirmTest", { id: placed.orderId });

    // The badge appears without a reload.
    await seller.locator('[data-testid="notification-count"][data-count="1"]').waitFor();
    await snap(seller, "notification-badge");
    await seller.getByTestId("notification-bell").click();
    await seller.waitForURL("**/notifications");
    const row = seller.locator('[data-testid="notification-row"][data-kind="order.new"][data-read="false"]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain("New order from");
    await snap(seller, "notifications");
    await seller.getByTestId("mark-all-read").click();
    await seller.getByTestId("notification-count").waitFor({ state: "detached" });
    await seller.locator('[data-testid="notification-row"][data-kind="order.new"][data-read="true"]').first().waitFor();

    // The buyer's confirmation email went out through the outbox to the run's SMTP server.
    // (The journeys' server sends real mail; the local /mailbox page, used without SMTP_URL, is
    // checked by the server's tests.)
    // (Other journeys buy as the same demo buyer: this order's confirmation is the one naming it.)
    const mail = await waitForMailThat(
      inject("mailDir"),
      (m) => m.to === "buyer@demo.test" && /Your order is confirmed/.test(m.subject) && m.text.includes(`/orders/${placed.orderId}`),
      `confirming order ${placed.orderId}`,
    );
    expect(mail.html).toContain(`/orders/${placed.orderId}`);
    await sellerCtx.close();
    await buyerCtx.close();
  });
});
