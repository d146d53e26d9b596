import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { expectAccessible, runAxe } from "./axe.ts";
import { journeyBrowser, signIn, signUp, snap } from "./browser.ts";

/**
 * axe on the main pages of every role (failing on serious and critical violations), the outline
 * the search results page draws, and a visible focus ring on the product cards of each grid.
 */
const app = journeyBrowser();

/** Opens `path` as `who` (signed out when null) and waits for `ready` (a test id) to show. */
async function open(who: string | null, path: string, ready: string, viewport?: { width: number; height: number }) {
  const { page, context } = await app.open(viewport);
  if (who) await signIn(page, who);
  await page.goto(path);
  await page.getByTestId(ready).first().waitFor();
  // The footer's live status: the page's data and its socket are both there.
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
  return { page, context };
}

describe("axe finds no serious or critical violation", () => {
  it("on the visitor's pages: home, search, product, shop", async () => {
    const { page, context } = await open(null, "/", "product-card");
    await expectAccessible(page, "home");
    const shopPath = (await page.getByTestId("product-shop-link").first().getAttribute("href"))!;
    await page.goto("/search?q=mug");
    await page.getByTestId("search-results").waitFor();
    await expectAccessible(page, "search");
    await page.getByTestId("product-link").first().click();
    await page.getByTestId("product-page").waitFor();
    await page.getByTestId("add-to-cart").waitFor();
    await expectAccessible(page, "product");
    await page.goto(shopPath);
    await page.getByTestId("shop-page").waitFor();
    await page.getByTestId("product-card").first().waitFor();
    await expectAccessible(page, "shop");
    await context.close();
  });

  it("on the buyer's cart and checkout", async () => {
    // A buyer of its own: the demo buyer's cart belongs to the other journeys.
    const buyer = await app.open();
    await signUp(buyer.page, { name: "Axel Axe", email: `axel-${Date.now().toString(36)}@example.test` });
    await buyer.page.goto("/search?q=mug");
    await buyer.page.getByTestId("product-card").first().waitFor();
    const card = buyer.page.getByTestId("product-card").filter({ hasNotText: "Sold out" }).first();
    await card.getByTestId("product-link").click();
    await buyer.page.getByTestId("add-to-cart").click();
    await buyer.page.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
    await buyer.page.goto("/cart");
    await buyer.page.getByTestId("cart-line").first().waitFor();
    await expectAccessible(buyer.page, "cart");
    await buyer.page.goto("/checkout");
    await buyer.page.locator('select[name="country"]').waitFor();
    await expectAccessible(buyer.page, "checkout");
    await buyer.context.close();
  });

  it("on the buyer's orders and an order", async () => {
    const { page, context } = await open("buyer@demo.test", "/orders", "order-row");
    await expectAccessible(page, "orders");
    await page.getByTestId("order-link").first().click();
    await page.getByTestId("order-page").waitFor();
    await expectAccessible(page, "order");
    await context.close();
  });

  it("on the seller's dashboard, editor, orders and settings", async () => {
    const { page, context } = await open("seller@demo.test", "/seller", "seller-product-row");
    await expectAccessible(page, "seller-dashboard");
    await page.goto(`/seller/products/${await page.getByTestId("seller-product-row").first().getAttribute("data-product-id")}`);
    await page.getByTestId("product-form").waitFor();
    await expectAccessible(page, "seller-editor");
    await page.goto("/seller/orders");
    await page.getByTestId("seller-order-row").first().waitFor();
    await expectAccessible(page, "seller-orders");
    await page.goto("/seller/settings");
    await page.locator('input[name="name"]').waitFor();
    await expectAccessible(page, "seller-settings");
    await context.close();
  });

  it("on the admin pages, and with an admin's confirmation open", async () => {
    const { page, context } = await open("admin@demo.test", "/admin/users", "user-row");
    await expectAccessible(page, "admin-users");
    await page.locator('[data-testid="user-row"][data-email="buyer@demo.test"]').getByTestId("change-role").click();
    await page.getByTestId("role-dialog").waitFor();
    await expectAccessible(page, "admin-role-dialog");
    await page.keyboard.press("Escape");
    for (const [path, ready] of [
      ["/admin/shops", "shop-row"],
      ["/admin/activity", "activity-item"],
      ["/admin/reviews", "admin-review"],
    ] as const) {
      await page.goto(path);
      await page.getByTestId(ready).first().waitFor();
      await expectAccessible(page, path.slice(1).replace("/", "-"));
    }
    await context.close();
  });

  it("on a phone: home and the seller's orders", async () => {
    const home = await open(null, "/", "product-card", { width: 375, height: 760 });
    await expectAccessible(home.page, "home-phone");
    await home.context.close();
    const seller = await open("seller@demo.test", "/seller/orders", "seller-order-row", { width: 375, height: 760 });
    await expectAccessible(seller.page, "seller-orders-phone");
    await seller.context.close();
  });
});

describe("the search results page", () => {
  it("has an outline without jumps (h1, then the results' h2, then each product's h3)", async () => {
    const { page, context } = await open(null, "/search?q=mug", "product-card");
    const violations = await runAxe(page, "search-outline");
    expect(violations.filter((v) => v.id === "heading-order")).toEqual([]);
    const levels = await page.locator("main").evaluate((m) => Array.from(m.querySelectorAll("h1, h2, h3, h4")).map((h) => Number(h.tagName[1])));
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    await context.close();
  });

  it("is titled after the query", async () => {
    const { page, context } = await open(null, "/search?q=lantern", "search-total");
    expect(await page.title()).toBe("“lantern” · Search · Bazaar");
    await page.goto("/search");
    await page.getByTestId("search-total").waitFor();
    expect(await page.title()).toBe("Search · Bazaar");
    await context.close();
  });
});

/** The colour of one pixel of a screenshot of the page, at page coordinates (x, y). */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    return [r!, g!, b!] as [number, number, number];
  }, png.toString("base64"));
}

const FOCUS = [0x0f, 0x76, 0x6e] as const; // --color-focus
const near = (c: readonly number[], to: readonly number[]) => c.every((v, i) => Math.abs(v - to[i]!) <= 40);

/**
 * Focuses the first card's link from the keyboard and reads the pixel 2 px outside the card's
 * left edge, half-way down, before and after: the ring is drawn there (a card that clipped its
 * overflow cut it off entirely).
 */
async function focusedCardOutline(page: Page): Promise<{ before: number[]; after: number[] }> {
  const card = page.getByTestId("product-card").first();
  await card.scrollIntoViewIfNeeded();
  const box = (await card.boundingBox())!;
  const before = await pixel(page, box.x - 2, box.y + box.height / 2);
  await card.getByTestId("product-link").focus();
  // From the keyboard: Chromium draws :focus-visible for keyboard focus.
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  expect(await card.getByTestId("product-link").evaluate((a) => a === document.activeElement && a.matches(":focus-visible"))).toBe(true);
  const moved = (await card.boundingBox())!;
  const after = await pixel(page, moved.x - 2, moved.y + moved.height / 2);
  return { before, after };
}

describe("product cards show where the keyboard is", () => {
  for (const [name, path] of [
    ["home", "/"],
    ["search", "/search?q=mug"],
    ["shop", "/shops/"],
  ] as const) {
    it(`on the ${name} grid, a focused card has a visible ring around it`, async () => {
      const { page, context } = await app.open();
      let target: string = path;
      if (name === "shop") {
        await page.goto("/");
        await page.getByTestId("product-shop-link").first().waitFor();
        target = (await page.getByTestId("product-shop-link").first().getAttribute("href"))!;
      }
      await page.goto(target);
      await page.getByTestId("product-card").first().waitFor();
      const { before, after } = await focusedCardOutline(page);
      expect(near(before, FOCUS)).toBe(false);
      expect(after, `the pixel beside the focused card is rgb(${after.join(",")})`).toSatisfy((c: number[]) => near(c, FOCUS));
      await snap(page, `focus-card-${name}`);
      await context.close();
    });
  }
});
