import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, journeyBrowser, PHONE, phoneTour, signIn, snap } from "./browser.ts";

const app = journeyBrowser();
const contexts: BrowserContext[] = [];

beforeAll(async () => {
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
});

async function open(email: string | null, viewport?: { width: number; height: number }): Promise<Page> {
  const { page, context } = await app.open(viewport);
  contexts.push(context);
  if (email) await signIn(page, email);
  return page;
}

/** A product page, open and watched live (the server acknowledged the watch), its reviews loaded. */
async function openProduct(page: Page, productId: string) {
  await page.goto(`/products/${productId}`);
  await page.locator(`[data-testid="product-page"][data-product-id="${productId}"][data-watching="true"]`).waitFor();
  await page.locator('[data-testid="reviews-section"][data-count]:not([data-count=""])').waitFor();
}

const reviewCount = async (page: Page) => Number(await page.getByTestId("reviews-section").getAttribute("data-count"));

/** Fills and sends the open review dialog: the stars are chosen with the keyboard (a radio group). */
async function writeReview(page: Page, review: { stars: number; title?: string; body: string }) {
  const form = page.getByTestId("review-form");
  await form.waitFor();
  // Click the fifth star, then step down with the arrow keys like a keyboard user.
  await form.getByTestId("star-5").click();
  for (let n = 5; n > review.stars; n--) await page.keyboard.press("ArrowLeft");
  expect(await form.getByRole("radio", { name: new RegExp(`^${review.stars} stars?,`) }).isChecked()).toBe(true);
  if (review.title !== undefined) await form.locator('input[name="title"]').fill(review.title);
  await form.locator('textarea[name="body"]').fill(review.body);
  await page.getByTestId("submit-review").click();
  await form.waitFor({ state: "detached" });
}

// Shared by the journeys below, which run in order.
const stamp = Date.now().toString(36);
const BODY = `Lovely glaze and it keeps the coffee hot. (e2e ${stamp})`;
const REPLY = `Thank you, Bea! Enjoy your morning coffee. (e2e ${stamp})`;
let productId = "";
let reviewId = "";
let reader: Page;

describe("reviews", () => {
  it("a buyer reviews a delivered product and its shop from the order; a reader's open product page shows it live", async () => {
    const buyer = await open("buyer@demo.test");

    // 1. The account lists what is left to review: the demo's delivered order from Clay & Kiln.
    await buyer.goto("/account");
    const group = buyer.locator('[data-testid="to-review-group"][data-shop-slug="clay-and-kiln"]').filter({ has: buyer.getByTestId("to-review-product") }).first();
    await group.waitFor();
    productId = (await group.getByTestId("to-review-product").first().getAttribute("data-product-id"))!;
    const orderId = (await group.getAttribute("data-order-id"))!;
    await snap(buyer, "reviews-account-to-review");

    // 2. Someone else (signed in) has that product's page open.
    reader = await open("buyer2@demo.test");
    await openProduct(reader, productId);
    const before = await reviewCount(reader);

    // 3. The buyer opens the delivered order: each product and the shop can be reviewed.
    await group.getByTestId("to-review-order").click();
    await buyer.waitForURL(`**/orders/${orderId}`);
    const part = buyer.locator('[data-testid="order-part"][data-shop-slug="clay-and-kiln"][data-status="DELIVERED"]');
    const productRow = part.locator(`[data-testid="order-review-product"][data-product-id="${productId}"]`);
    await productRow.getByTestId("review-product").waitFor();
    await snap(buyer, "reviews-order");

    // 4. The form checks the input with the shared schema first: no stars and no text are refused.
    await productRow.getByTestId("review-product").click();
    await buyer.getByTestId("submit-review").click();
    await buyer.getByTestId("review-form").getByText("Choose 1 to 5 stars").waitFor();
    await buyer.getByTestId("review-form").getByText("Write a few words").waitFor();
    await buyer.screenshot({ path: `${ARTIFACTS}/reviews-form-errors.png` });
    await writeReview(buyer, { stars: 4, title: "Keeps it hot", body: BODY });
    await productRow.getByTestId("reviewed").waitFor();

    // 5. The reader sees the new review and the new count without reloading.
    const fresh = reader.getByTestId("review").filter({ hasText: BODY });
    await fresh.waitFor();
    await reader.locator(`[data-testid="reviews-section"][data-count="${before + 1}"]`).waitFor();
    reviewId = (await fresh.getAttribute("data-review-id"))!;
    expect(await fresh.getByTestId("review-author").textContent()).toBe("Bea Buyer");
    expect(await fresh.textContent()).toContain("Verified purchase");
    expect(await fresh.getByTestId("review-title").textContent()).toBe("Keeps it hot");
    // The average at the top of the page follows too.
    const avg = await reader.getByTestId("reviews-section").getAttribute("data-avg");
    await reader.locator(`[data-testid="rating"][aria-label^="Rated ${avg} out of 5 from ${before + 1} "]`).first().waitFor();

    // 6. The seller's own shop review, from the same order, while a visitor has the shop's page open.
    const { page: visitor, context: visitorCtx } = await app.open();
    await visitor.goto("/shops/clay-and-kiln");
    await visitor.getByTestId("shop-page").waitFor();
    await visitor.getByTestId("reviews-section").waitFor();
    const shopBody = `Careful packing and a quick answer to my question. (e2e ${stamp})`;
    const shopRow = part.getByTestId("order-review-shop");
    await shopRow.getByTestId("review-shop").click();
    await expect(buyer.getByTestId("review-form").locator('input[name="title"]').count()).resolves.toBe(0);
    await writeReview(buyer, { stars: 5, body: shopBody });
    await shopRow.getByTestId("reviewed").waitFor();
    // The visitor's shop page shows it without a reload (the page watches the shop).
    await visitor.getByTestId("review").filter({ hasText: shopBody }).waitFor();
    await visitorCtx.close();

    // 7. The reader finds it helpful, once.
    const helpful = fresh.getByTestId("review-helpful");
    await helpful.click();
    await fresh.locator('[data-testid="review-helpful"][aria-pressed="true"][data-count="1"]').waitFor();
    // "Report" asks for a reason and sends nothing without one; the reader cancels.
    await fresh.getByTestId("review-report").click();
    const reportForm = reader.getByTestId("report-form");
    await reportForm.waitFor();
    await reader.getByTestId("confirm-report").click();
    await reportForm.locator('textarea[name="reason"][aria-invalid="true"]').waitFor();
    await reader.getByRole("button", { name: "Cancel" }).click();
    await reportForm.waitFor({ state: "detached" });
    expect(await helpful.isDisabled()).toBe(true);
    await snap(reader, "reviews-product-live");

    // 8. The buyer's own reviews list both, with edit and delete.
    await buyer.goto("/account");
    await buyer.locator(`[data-testid="my-review"][data-review-id="${reviewId}"]`).waitFor();
    await snap(buyer, "reviews-account");
  });

  it("the seller replies from the Reviews tab and the reply shows on the product page", async () => {
    const seller = await open("seller@demo.test");
    await seller.goto("/seller");
    await seller.getByTestId("tab-reviews").click();
    await seller.waitForURL("**/seller/reviews");
    const card = seller.locator(`[data-testid="seller-review"][data-review-id="${reviewId}"][data-replied="false"]`);
    await card.waitFor();
    await card.getByTestId("reply-button").click();
    await card.locator('textarea[name="body"]').fill(REPLY);
    await snap(seller, "reviews-seller-reply");
    await card.getByTestId("submit-reply").click();
    await seller.locator(`[data-testid="seller-review"][data-review-id="${reviewId}"][data-replied="true"]`).waitFor();

    // "Unanswered only" leaves it out now.
    await seller.getByTestId("unanswered-only").check();
    await seller.waitForURL("**/seller/reviews?unanswered=1");
    await seller.locator(`[data-testid="seller-review"][data-review-id="${reviewId}"]`).waitFor({ state: "detached" });

    // The reader's page, still open, shows the reply (the review event reaches the product's watchers).
    const reply = reader.locator(`[data-testid="review"][data-review-id="${reviewId}"] [data-testid="review-reply-body"]`);
    await reply.waitFor();
    expect(await reply.textContent()).toBe(REPLY);
  });

  it("the admin hides a reported review from the moderation queue and it leaves the product page", async () => {
    const admin = await open("admin@demo.test");
    await admin.goto("/admin/users");
    await admin.getByTestId("admin-nav-reviews").click();
    await admin.waitForURL("**/admin/reviews");
    await admin.getByTestId("reviews-reported-filter").check();
    await admin.getByTestId("reviews-status-filter").selectOption("VISIBLE");
    await admin.waitForURL((url) => url.search.includes("reported=1") && url.search.includes("status=VISIBLE"));
    const row = admin.locator('[data-testid="admin-review"][data-status="VISIBLE"]').first();
    await row.getByTestId("review-reports").waitFor();
    const reported = (await row.getAttribute("data-review-id"))!;
    const reportedProduct = (await row.getAttribute("data-product-id"))!;
    expect(reportedProduct).not.toBe("");
    expect(await row.textContent()).toContain("@demo.test");
    await snap(admin, "reviews-admin-queue");

    // A reader has that product's page open, filtered to the review's stars so it is on screen.
    const watcher = await open(null);
    await openProduct(watcher, reportedProduct);
    const before = await reviewCount(watcher);
    const stars = (await row.getByTestId("review").getAttribute("data-rating"))!;
    await watcher.getByTestId(`rating-bar-${stars}`).click();
    const target = watcher.locator(`[data-testid="review"][data-review-id="${reported}"]`);
    await target.waitFor();

    // Hide, with a reason (the dialog refuses an empty one).
    await row.getByTestId("hide-review").click();
    await admin.getByTestId("confirm-hide").click();
    await admin.getByTestId("hide-review-form").getByText("Give the author a reason").waitFor();
    await admin.getByTestId("hide-review-form").locator('textarea[name="reason"]').fill("Insults the seller; not about the product");
    await admin.getByTestId("confirm-hide").click();
    await admin.locator(`[data-testid="admin-review"][data-review-id="${reported}"]`).waitFor({ state: "detached" });

    // Gone from the open product page, and the count dropped, without a reload.
    await target.waitFor({ state: "detached" });
    await watcher.locator(`[data-testid="reviews-section"][data-count="${before - 1}"]`).waitFor();
    await snap(watcher, "reviews-product-after-hide");

    // Among the hidden ones, it can be restored.
    await admin.getByTestId("reviews-status-filter").selectOption("HIDDEN");
    await admin.locator(`[data-testid="admin-review"][data-review-id="${reported}"][data-status="HIDDEN"]`).waitFor();
  });

  it("an admin's suspend dialog asks for a reason and suspends nothing without one", async () => {
    const admin = await open("admin@demo.test");
    await admin.goto("/admin/shops");
    const row = admin.getByTestId("shop-row").filter({ has: admin.getByTestId("suspend-shop") }).first();
    await row.getByTestId("suspend-shop").click();
    await admin.getByTestId("suspend-dialog").waitFor();
    await admin.getByTestId("suspend-confirm").click();
    await admin.locator('[data-testid="suspend-dialog"] textarea[name="reason"][aria-invalid="true"]').waitFor();
    await admin.getByTestId("suspend-cancel").click();
    await admin.getByTestId("suspend-dialog").waitFor({ state: "hidden" });
    await row.getByTestId("suspend-shop").waitFor();
  });

  it("at 375 px the review screens fit the phone", async () => {
    const phone = await open(null, PHONE);
    const buyer = phoneTour(phone);
    await buyer.signIn("buyer@demo.test", `/products/${productId}`);
    await openProduct(phone, productId);
    await phone.getByTestId("review").first().waitFor();
    await buyer.check("reviews-product-phone");

    await phone.goto("/account");
    await phone.getByTestId("my-reviews").waitFor();
    await buyer.check("reviews-account-phone");
    await phone.locator(`[data-testid="my-review"][data-review-id="${reviewId}"]`).getByTestId("edit-review").click();
    await phone.getByTestId("review-form").waitFor();
    expect(await phone.getByTestId("review-form").getByRole("radio", { name: /^4 stars,/ }).isChecked()).toBe(true);
    await buyer.check(); // with the dialog open
    await phone.screenshot({ path: `${ARTIFACTS}/reviews-edit-phone.png` });
    buyer.end();

    const sellerPage = await open(null, PHONE);
    const seller = phoneTour(sellerPage);
    await seller.signIn("seller@demo.test", "/seller/reviews");
    await sellerPage.getByTestId("seller-reviews").waitFor();
    await seller.check("reviews-seller-phone");
    seller.end();

    const adminPage = await open(null, PHONE);
    const admin = phoneTour(adminPage);
    await admin.signIn("admin@demo.test", "/admin/reviews");
    await adminPage.getByTestId("admin-reviews").waitFor();
    await admin.check("reviews-admin-phone");
    admin.end();
  });
});
