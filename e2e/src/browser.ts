import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium, started so that it makes no network calls of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const ARTIFACTS = fileURLToPath(new URL("../artifacts", import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export async function newPage(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  return { context, page };
}

/** Saves a full-page screenshot as a test artifact (e2e/artifacts/<name>.png). */
export async function snap(page: Page, name: string): Promise<void> {
  // From the top, so the sticky header sits where a reader expects it in the full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

export const DEMO_PASSWORD = "demo-password-1";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('main button[type="submit"]');
  // Signed in already (switching accounts), the menu button is there before the new session is:
  // the sign-in page leaving is what says the login went through.
  await page.waitForURL((url) => url.pathname !== "/sign-in");
  await page.getByTestId("account-menu-button").waitFor();
}

/** Creates an account through the sign-up page; the new user is signed in afterwards. */
export async function signUp(page: Page, user: { name: string; email: string; password?: string }): Promise<void> {
  await page.goto("/sign-up");
  await page.fill('input[name="name"]', user.name);
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', user.password ?? "a-long-e2e-password");
  await page.click('main button[type="submit"]');
  await page.waitForURL((url) => url.pathname !== "/sign-up");
  await page.getByTestId("account-menu-button").waitFor();
}

/**
 * The demo seller, signed in a context of their own, on the editor of their first active product.
 * Close `context` when done.
 */
export async function openDemoSellerEditor(
  browser: Browser,
  baseURL: string,
): Promise<{ seller: Page; context: BrowserContext; productId: string }> {
  const { page: seller, context } = await newPage(browser, baseURL);
  await signIn(seller, "seller@demo.test");
  await seller.goto("/seller?status=ACTIVE");
  const row = seller.getByTestId("seller-product-row").first();
  await row.waitFor();
  const productId = (await row.getAttribute("data-product-id"))!;
  await seller.goto(`/seller/products/${productId}`);
  await seller.getByTestId("product-form").waitFor();
  return { seller, context, productId };
}
