import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ARTIFACTS, call, DEMO_PASSWORD, journeyBrowser, seedProduct, snap } from "./browser.ts";

/**
 * The public pages arrive rendered by the server: readable with JavaScript off, and with it on,
 * hydrated by the browser without a single mismatch and without fetching their data again, then
 * live like any page of the app.
 */
const app = journeyBrowser();

/** Every console line and page error of the page from now on. */
function consoleOf(page: Page): string[] {
  const lines: string[] = [];
  page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

/** The catalog and review procedures the page calls over HTTP (a hydrated page calls none at first). */
function catalogCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on("request", (r) => {
    const m = /\/trpc\/([^?]+)/.exec(r.url());
    if (m) calls.push(...m[1]!.split(",").filter((p) => p.startsWith("catalog.") || p.startsWith("review.") || p.startsWith("shop.")));
  });
  return calls;
}

describe("server-rendered public pages", () => {
  let productId = "";
  let productTitle = "";
  let categoryId = "";
  let shopSlug = "";
  beforeAll(async () => {
    ({ productId, title: productTitle } = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Hydrated Teapot", stock: 8, priceCents: 3900 }));
    const context = await app.browser.newContext({ baseURL: app.baseUrl });
    categoryId = (await call<{ id: string }[]>(context.request, "query", "catalog.categories"))[0]!.id;
    shopSlug = (await call<{ shop: { slug: string } }>(context.request, "query", "catalog.product", { id: productId })).shop.slug;
    await context.close();
  });

  const pages = [
    { name: "home", url: () => "/", ready: '[data-testid="product-card"]' },
    { name: "search", url: () => "/search?q=teapot", ready: '[data-testid="search-total"]' },
    { name: "category", url: () => `/search?category=${categoryId}`, ready: '[data-testid="search-total"]' },
    { name: "product", url: () => `/products/${productId}`, ready: '[data-testid="product-page"][data-watching="true"]' },
    { name: "shop", url: () => `/shops/${shopSlug}`, ready: '[data-testid="shop-page"]' },
  ];
  it.each(pages)("the $name page hydrates without a mismatch or a refetch, then goes live", async (p) => {
    const { context, page } = await app.open();
    const lines = consoleOf(page);
    const calls = catalogCalls(page);
    const res = await page.goto(p.url());
    expect(res?.status()).toBe(200);
    expect(await res?.text()).toContain('id="ssr-state"');
    await page.locator(p.ready).first().waitFor();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    expect(lines.filter((l) => /hydrat/i.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith("error") || l.startsWith("pageerror"))).toEqual([]);
    expect(calls).toEqual([]);
    if (p.name === "product") expect(await page.title()).toBe(`${productTitle} · Bazaar`);
    if (p.name === "shop") expect(await page.title()).toBe(`${await page.getByTestId("shop-name").textContent()} · Bazaar`);
    await snap(page, `ssr-${p.name}`);
    await context.close();
  });

  it("a product page is readable with JavaScript off", async () => {
    const { productId, title } = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Plain Linen Apron", stock: 4, priceCents: 2650 });
    const context = await app.browser.newContext({ baseURL: app.baseUrl, javaScriptEnabled: false, viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`/products/${productId}`);
    expect(await page.getByTestId("product-title").textContent()).toBe(title);
    expect(await page.getByTestId("product-price").textContent()).toContain("$26.50");
    expect(await page.getByTestId("variant-stock").textContent()).toContain("Only 4 left");
    expect((await page.getByTestId("product-shop").textContent())?.trim()).not.toBe("");
    expect(await page.title()).toBe(`${title} · Bazaar`);
    await page.screenshot({ path: `${ARTIFACTS}/ssr-product-no-js.png`, fullPage: true });
    await context.close();
  });

  it("after hydration, a purchase in another browser lowers the stock live", async () => {
    const { productId } = await seedProduct(app.browser, app.baseUrl, "seller@demo.test", { title: "Live Hydrated Bowl", stock: 6 });
    const { page: visitor, context } = await app.open();
    const lines = consoleOf(visitor);
    await visitor.goto(`/products/${productId}`);
    await visitor.locator('[data-testid="product-page"][data-watching="true"]').waitFor();
    await visitor.locator('[data-testid="variant-stock"][data-stock="6"]').waitFor();

    // Another person buys two, in a browser of their own.
    const other = await app.browser.newContext({ baseURL: app.baseUrl });
    await call(other.request, "mutation", "auth.login", { email: "buyer@demo.test", password: DEMO_PASSWORD });
    const bowl = await call<{ variants: { id: string }[] }>(other.request, "query", "catalog.product", { id: productId });
    await call(other.request, "mutation", "cart.add", { variantId: bowl.variants[0]!.id, quantity: 2 });
    await call(other.request, "mutation", "checkout.placeOrder", {
      idempotencyKey: `e2e-ssr-${Date.now()}`,
      shippingAddress: { name: "Other Buyer", line1: "1 Main St", city: "Portland", postalCode: "97205", country: "US" },
    });

    await visitor.locator('[data-testid="variant-stock"][data-stock="4"]').waitFor();
    expect(await visitor.getByTestId("variant-stock").textContent()).toContain("Only 4 left");
    expect(lines.filter((l) => /hydrat/i.test(l))).toEqual([]);
    await snap(visitor, "ssr-product-live-stock");
    await other.close();
    await context.close();
  });
});
