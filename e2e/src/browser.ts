import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { linkIn, waitForMail } from "./mailbox.ts";

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

/**
 * The opening of every journey file: the app's address (started by global-setup.ts) and one
 * Chromium for the file, launched before its journeys and closed after them. `browser` is there
 * from the first journey on.
 */
export function journeyBrowser(): {
  readonly browser: Browser;
  readonly baseUrl: string;
  /** A fresh context (no cookies) and page on the app, desktop-sized unless told. */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
} {
  const baseUrl = inject("baseUrl");
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await launch();
  });
  afterAll(async () => {
    await launched?.close();
  });
  return {
    baseUrl,
    get browser(): Browser {
      if (!launched) throw new Error("The browser starts before the journeys: use it inside one.");
      return launched;
    },
    open(viewport) {
      return newPage(this.browser, baseUrl, viewport);
    },
  };
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
  await submitSignIn(page, email, password);
  // Signed in already (switching accounts), the menu button is there before the new session is:
  // the sign-in page leaving is what says the login went through.
  await page.waitForURL((url) => url.pathname !== "/sign-in");
  await page.getByTestId("account-menu-button").waitFor();
}

async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('main button[type="submit"]');
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
 * Confirms a just-signed-up address the way its owner does: the verification mail the app sent
 * (read from the run's SMTP server), its link opened in this page.
 */
export async function verifyEmailByMail(page: Page, mailDir: string, email: string): Promise<void> {
  const mail = await waitForMail(mailDir, email, /Confirm your email/);
  await page.goto(linkIn(mail, "/verify-email"));
  await page.getByTestId("email-verified").waitFor();
}

/** The phone the journeys check the layout on. */
export const PHONE = { width: 375, height: 760 };

/** The page, at phone width, does not scroll sideways: nothing on it is wider than the screen. */
export async function fitsPhone(page: Page): Promise<void> {
  const { width, scrollWidth } = await page.evaluate(() => ({ width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth }));
  expect(width, "a phone-sized page").toBe(PHONE.width);
  expect(scrollWidth, `${new URL(page.url()).pathname} scrolls sideways on a phone`).toBeLessThanOrEqual(PHONE.width);
}

/** The element is shown and wholly on a phone's screen, across (not cut off or pushed off the side). */
export async function onPhoneScreen(target: Locator): Promise<void> {
  await target.waitFor();
  const box = await target.boundingBox();
  expect(box, "shown").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
}

/**
 * The toast shown now covers none of the `buttons` on screen (the first `most` of them): their
 * boxes do not meet. The toast is fixed to the screen, so its box is read once (it may time out
 * meanwhile); each button is checked where it stands and again scrolled to the bottom of the
 * screen (where toasts used to sit) and to its middle. Returns how many buttons it checked.
 */
export async function toastCoversNone(toast: Locator, buttons: Locator, most = 6): Promise<number> {
  await toast.waitFor();
  const t = await toast.boundingBox();
  expect(t, "the toast is shown").not.toBeNull();
  const meet = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const count = Math.min(await buttons.count(), most);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    for (const block of ["nearest", "end", "center"] as const) {
      await button.evaluate((el, b) => el.scrollIntoView({ block: b }), block);
      const b = await button.boundingBox();
      expect(b, "the button is shown").not.toBeNull();
      expect(meet(t!, b!), `the toast covers "${await button.textContent()}" (scrolled to ${block})`).toBe(false);
    }
  }
  return count;
}

/**
 * A journey on a phone-sized page in which every page shown is checked for sideways scrolling.
 * `check(shot?)` checks the page as it is now (and saves a screenshot under that name);
 * `signIn(email, then)` checks the sign-in page on its way to `then`; `end()` fails naming any
 * page the journey showed and never checked, so a page added to a journey cannot go unchecked.
 * Pages are told apart by their path (a query string or a dialog is the same page).
 */
export function phoneTour(page: Page) {
  const shown = new Set<string>();
  const checked = new Set<string>();
  const pathOf = (url: string) => new URL(url).pathname;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith("http")) shown.add(pathOf(frame.url()));
  });
  const tour = {
    async check(shot?: string): Promise<void> {
      await fitsPhone(page);
      checked.add(pathOf(page.url()));
      if (shot) await snap(page, shot);
    },
    async signIn(email: string, then: string): Promise<void> {
      await page.goto(`/sign-in?redirect=${encodeURIComponent(then)}`);
      await page.locator('input[name="email"]').waitFor();
      await tour.check();
      await submitSignIn(page, email, DEMO_PASSWORD);
      await page.waitForURL((url) => url.pathname === pathOf(new URL(then, page.url()).href));
      await page.getByTestId("account-menu-button").waitFor();
    },
    end(): void {
      expect([...shown].filter((p) => !checked.has(p)), "pages shown on the phone and never checked").toEqual([]);
    },
  };
  return tour;
}

/** Calls one of the app's tRPC procedures with the cookies of `api`'s context, as the client's link does. */
export async function call<T>(api: APIRequestContext, kind: "query" | "mutation", path: string, input?: unknown): Promise<T> {
  const res =
    kind === "query"
      ? await api.get(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`)
      : await api.post(`/trpc/${path}`, { data: { json: input ?? null } });
  if (!res.ok()) throw new Error(`${path} answered ${res.status()}: ${await res.text()}`);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

export interface SeededProduct {
  productId: string;
  title: string;
}

let seeded = 0;

/**
 * A listed product of the journey's own, made through the API by the shop's owner, with one
 * option and the stock the journey needs: no journey depends on the demo stock that other files
 * (or the order they run in) left behind.
 */
export async function seedProduct(browser: Browser, baseURL: string, owner: string, product: { title: string; stock: number; priceCents?: number }): Promise<SeededProduct> {
  const context = await browser.newContext({ baseURL });
  try {
    await call(context.request, "mutation", "auth.login", { email: owner, password: DEMO_PASSWORD });
    const [category] = await call<{ id: string }[]>(context.request, "query", "catalog.categories");
    seeded += 1;
    const stamp = `${Date.now().toString(36)}-${process.pid}-${seeded}`;
    const title = `${product.title} ${stamp}`;
    const created = await call<{ id: string }>(context.request, "mutation", "product.create", {
      title,
      description: `Made for one browser journey (${stamp}).`,
      categoryId: category!.id,
      variants: [{ sku: `E2E-${stamp}`, title: "Standard", priceCents: product.priceCents ?? 1800, stock: product.stock }],
    });
    return { productId: created.id, title };
  } finally {
    await context.close();
  }
}

/** Opens a product's page and puts one of it in the cart (a product of one option: no picker). */
export async function addToCart(page: Page, product: SeededProduct): Promise<void> {
  await page.goto(`/products/${product.productId}`);
  await page.locator(`[data-testid="product-page"][data-product-id="${product.productId}"]`).waitFor();
  expect(await page.getByTestId("product-title").textContent()).toBe(product.title);
  await page.getByTestId("add-to-cart").click();
  await page.locator('[data-testid="add-to-cart-status"][data-tone="success"]').waitFor();
}

/** The shop's owner, signed in a context of their own, on the editor of one of their products. Close `context` when done. */
export async function openSellerEditor(browser: Browser, baseURL: string, owner: string, productId: string): Promise<{ seller: Page; context: BrowserContext }> {
  const { page: seller, context } = await newPage(browser, baseURL);
  await signIn(seller, owner);
  await seller.goto(`/seller/products/${productId}`);
  await seller.getByTestId("product-form").waitFor();
  return { seller, context };
}
