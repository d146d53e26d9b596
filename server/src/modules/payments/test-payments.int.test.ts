import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { createPaymentProvider } from "./index.ts";
import type { PaymentProvider } from "./provider.ts";

/**
 * SECURITY 36: `payment.confirmTest` marks an order paid without anyone paying, so it answers
 * only when the test provider runs; with a real provider it is FORBIDDEN and changes nothing.
 */
let t: TestApp;

/** A real provider's shape, offline: payments are created, never confirmed by the buyer's word. */
const realProvider: PaymentProvider = {
  name: "STRIPE",
  createPayment: async (order) => ({ providerRef: `pi_${order.orderId.replace(/-/g, "")}`, clientSecret: "pi_secret" }),
  resumePayment: async () => ({ clientSecret: "pi_secret" }),
  updateAmount: async () => {},
  cancelPayment: async () => {},
  refund: async () => {},
  createConnectedAccount: async () => Promise.reject(new Error("not used here")),
  createAccountLink: async () => Promise.reject(new Error("not used here")),
  retrieveAccount: async () => Promise.reject(new Error("not used here")),
  createTransfer: async () => Promise.reject(new Error("not used here")),
  reverseTransfer: async () => Promise.reject(new Error("not used here")),
};

beforeAll(async () => {
  t = await createTestApp({ config: { SWEEP_INTERVAL_SECONDS: "0" } });
  t.deps = { ...t.deps, payments: realProvider };
});
afterAll(() => t.close());

describe("SECURITY 36: test payments only with the test provider", () => {
  it("payment.confirmTest is FORBIDDEN with a real provider, and the order stays unpaid", async () => {
    const db = t.database.prisma;
    const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
    const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ priceCents: 2500, stock: 5 }] });
    const buyer = await t.createUser();
    const { caller } = await t.signIn(buyer.email);
    await caller.cart.add({ variantId: product.variants[0]!.id, quantity: 1 });
    const placed = await caller.checkout.placeOrder({
      idempotencyKey: `confirm-test-${Date.now()}`,
      shippingAddress: { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" },
    });
    await expect(caller.payment.confirmTest({ id: placed.orderId })).rejects.toMatchObject({ code: "FORBIDDEN", message: "Test payments are disabled" });
    await expect(caller.payment.confirmTest({ id: placed.orderId, outcome: "fail" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.order.findUniqueOrThrow({ where: { id: placed.orderId }, select: { status: true } })).toEqual({ status: "PENDING_PAYMENT" });
  });

  it("a production configuration with PAYMENTS=stripe builds the Stripe provider, not the test one", () => {
    const config = loadConfig({ NODE_ENV: "production", PAYMENTS: "stripe", STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x", MAIL: "off" });
    expect(createPaymentProvider(config).name).toBe("STRIPE");
  });
});
