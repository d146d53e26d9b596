import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, journeyBrowser, onPhoneScreen, PHONE, phoneTour, signIn, snap } from "./browser.ts";

const app = journeyBrowser();

describe("a visitor", () => {
  it("sees the newest products of the demo catalog on the home page", async () => {
    const { page, context } = await app.open();
    await page.goto("/");
    await page.getByTestId("product-card").first().waitFor();
    expect(await page.getByTestId("product-card").count()).toBeGreaterThanOrEqual(12);
    await snap(page, "home");
    await context.close();
  });

  it("gets the server's field errors on the sign-up form", async () => {
    const { page, context } = await app.open();
    await page.goto("/sign-up");
    await page.fill('input[name="name"]', "Common Carl");
    await page.fill('input[name="email"]', "carl@example.test");
    await page.fill('input[name="password"]', "password123");
    await page.click('main button[type="submit"]');
    await page.getByText("too common").waitFor();
    // The summary names the field to fix; its link takes the focus there.
    const summary = page.getByTestId("error-summary");
    expect(await summary.textContent()).toContain("Check this field: Password.");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password"); // the first wrong field, after the submit
    await page.focus('input[name="name"]');
    await summary.getByRole("link", { name: "Password" }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
    await snap(page, "sign-up-field-error");
    await context.close();
  });

  it("signs up, signs out and signs in again", async () => {
    const { page, context } = await app.open();
    const email = `e2e-${Date.now()}@example.test`;
    await page.goto("/sign-up");
    await snap(page, "sign-up");
    await page.fill('input[name="name"]', "Erin Example");
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "a-long-e2e-password");
    await page.click('main button[type="submit"]');
    await page.getByTestId("account-menu-button").waitFor();
    await page.getByTestId("account-menu-button").click();
    expect(await page.getByTestId("user-name").textContent()).toContain("Erin Example");
    expect((await page.getByTestId("user-role").textContent())?.toUpperCase()).toContain("BUYER");
    await page.getByTestId("sign-out").click();
    await page.getByRole("link", { name: "Sign in" }).first().waitFor();

    await signIn(page, email, "a-long-e2e-password");
    await page.getByTestId("account-menu-button").click();
    expect(await page.getByTestId("user-name").textContent()).toContain("Erin Example");
    await context.close();
  });

  it("is told 'Wrong email or password' for a bad password", async () => {
    const { page, context } = await app.open();
    await page.goto("/sign-in");
    await page.fill('input[name="email"]', "buyer@demo.test");
    await page.fill('input[name="password"]', "not-the-password");
    await page.click('main button[type="submit"]');
    await page.getByTestId("sign-in-form").getByTestId("form-error").getByText("Wrong email or password").waitFor();
    await snap(page, "sign-in-error");
    await context.close();
  });
});

describe("each demo user sees the menu of their role", () => {
  const cases = [
    { email: "buyer@demo.test", role: "BUYER", admin: false, seller: false },
    { email: "seller@demo.test", role: "SELLER", admin: false, seller: true },
    { email: "admin@demo.test", role: "ADMIN", admin: true, seller: true },
  ];
  for (const c of cases) {
    it(`${c.email} → ${c.role}`, async () => {
      const { page, context } = await app.open();
      await signIn(page, c.email, DEMO_PASSWORD);
      await page.getByTestId("account-menu-button").click();
      await page.getByTestId("account-menu").waitFor();
      expect((await page.getByTestId("user-role").textContent())?.toUpperCase()).toContain(c.role);
      expect(await page.getByTestId("menu-admin").count()).toBe(c.admin ? 1 : 0);
      expect(await page.getByTestId("menu-seller").count()).toBe(c.seller ? 1 : 0);
      expect(await page.getByTestId("menu-account").count()).toBe(1);
      await snap(page, `menu-${c.role.toLowerCase()}`);
      await context.close();
    });
  }
});

describe("pages behind sign-in", () => {
  it("the account page lists this device's session", async () => {
    const { page, context } = await app.open();
    await signIn(page, "buyer@demo.test");
    await page.goto("/account");
    await page.getByText("This device").first().waitFor();
    await snap(page, "account");
    await context.close();
  });

  it("the admin users page lists the demo users and searches them", async () => {
    const { page, context } = await app.open();
    await signIn(page, "admin@demo.test");
    await page.getByTestId("account-menu-button").click();
    await page.getByTestId("menu-admin").click();
    await page.waitForURL("**/admin/users");
    await page.goto("/admin/users?q=demo.test"); // other journeys' sign-ups may push the demo users past the first page
    await page.getByText("seller@demo.test").first().waitFor();
    await snap(page, "admin-users");
    await context.close();
  });

  it("a buyer who opens /admin/users is sent away", async () => {
    const { page, context } = await app.open();
    await signIn(page, "buyer@demo.test");
    await page.goto("/admin/users");
    await page.waitForURL((url) => !url.pathname.startsWith("/admin"));
    await context.close();
  });

  it("the app is usable on a phone-sized screen: nothing scrolls sideways, search, cart and sign-in are on screen, a visitor finds and opens a product", async () => {
    const { page, context } = await app.open(PHONE);
    const tour = phoneTour(page);
    await page.goto("/");
    await page.getByTestId("product-card").first().waitFor();
    await tour.check("home-mobile");
    for (const control of ["header-search", "cart-link", "sign-in-link"]) await onPhoneScreen(page.getByTestId(control));
    for (const card of await page.getByTestId("product-card").all()) {
      const box = (await card.boundingBox())!;
      expect(box.x + box.width, "a product card wider than the screen").toBeLessThanOrEqual(PHONE.width);
    }

    // The header's search finds products; one opens, and can be put in the cart.
    await page.getByTestId("header-search").fill("mug");
    await page.getByTestId("header-search").press("Enter");
    await page.waitForURL(/\/search\?q=mug/);
    await page.locator('[data-testid="search-results"][aria-busy="false"]').waitFor();
    const first = page.getByTestId("product-card").first();
    await first.waitFor();
    await tour.check();
    await first.getByTestId("product-link").click();
    await page.getByTestId("product-page").waitFor();
    await onPhoneScreen(page.getByTestId("add-to-cart"));
    await tour.check();
    tour.end();
    await context.close();
  });
});
