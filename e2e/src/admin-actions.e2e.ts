import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { journeyBrowser, signIn, signUp, snap, verifyEmailByMail } from "./browser.ts";

/**
 * Admin changes that cannot happen by accident: each goes through a dialog that names the person
 * or shop and the change, the toast offers Undo where it makes sense, the activity log keeps both,
 * and the shop's owner sees an approval or a suspension at once.
 */
const app = journeyBrowser();

const row = (page: Page, email: string) => page.locator(`[data-testid="user-row"][data-email="${email}"]`);

/** A new buyer, signed up in a context of its own (closed at once): a user to change. */
async function newBuyer(name: string): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Date.now().toString(36)}@example.test`;
  const { page, context } = await app.open();
  await signUp(page, { name, email });
  await context.close();
  return email;
}

async function adminOn(path: string, viewport?: { width: number; height: number }) {
  const { page, context } = await app.open(viewport);
  await signIn(page, "admin@demo.test");
  await page.goto(path);
  return { page, context };
}

describe("an admin", () => {
  it("lands in the admin area after signing in, not on the home page", async () => {
    const { page, context } = await app.open();
    await page.goto("/sign-in");
    await page.fill('input[name="email"]', "admin@demo.test");
    await page.fill('input[name="password"]', "demo-password-1");
    await page.click('main button[type="submit"]');
    await page.waitForURL("**/admin/overview");
    await page.getByTestId("admin-overview").waitFor();
    // A page that asked for sign-in still gets the admin back to it.
    await context.clearCookies();
    await page.goto("/orders");
    await page.waitForURL(/\/sign-in\?redirect=/);
    await page.fill('input[name="email"]', "admin@demo.test");
    await page.fill('input[name="password"]', "demo-password-1");
    await page.click('main button[type="submit"]');
    await page.waitForURL("**/orders");
    await context.close();
  });

  it("changes a role only after confirming a dialog that names the person and the role, and can undo it", async () => {
    const email = await newBuyer("Rolf Role");
    const { page, context } = await adminOn(`/admin/users?q=${encodeURIComponent(email)}`);
    const r = row(page, email);
    await r.waitFor();
    expect(await r.getByTestId("user-role-cell").getAttribute("data-role")).toBe("BUYER");
    // No control on the row changes a role by itself: arrow keys on the focused button do nothing.
    await r.getByTestId("change-role").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    expect(await page.getByTestId("role-dialog").isVisible()).toBe(false);
    await r.getByTestId("change-role").click();
    const dialog = page.getByTestId("role-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(email);
    // Choosing in the dialog's select saves nothing; the button names the change.
    expect(await page.getByTestId("role-confirm").isDisabled()).toBe(true);
    await page.selectOption('[data-testid="role-new"]', "SELLER");
    await page.keyboard.press("ArrowDown");
    await page.selectOption('[data-testid="role-new"]', "SELLER");
    expect(await r.getByTestId("user-role-cell").getAttribute("data-role")).toBe("BUYER");
    expect((await page.getByTestId("role-confirm").textContent())?.trim()).toBe("Make Rolf Role a seller");
    await snap(page, "admin-role-dialog");
    await page.getByTestId("role-confirm").click();
    await r.locator('[data-testid="user-role-cell"][data-role="SELLER"]').waitFor();
    const toast = page.getByTestId("toast").filter({ hasText: "Rolf Role is now a seller (was a buyer)." });
    await toast.waitFor();
    await snap(page, "admin-role-undo");
    await toast.getByTestId("toast-action").click();
    await r.locator('[data-testid="user-role-cell"][data-role="BUYER"]').waitFor();
    await page.getByTestId("toast").filter({ hasText: "Undone: Rolf Role is a buyer again." }).waitFor();

    // The activity log has both changes.
    await page.goto("/admin/activity?kind=user.role_changed");
    await page.getByTestId("activity-summary").filter({ hasText: "made Rolf Role buyer (was seller)" }).waitFor();
    await page.getByTestId("activity-summary").filter({ hasText: "made Rolf Role seller (was buyer)" }).waitFor();
    await context.close();
  });

  it("bans through a dialog that names the person, and can undo the ban", async () => {
    const email = await newBuyer("Bea Banned");
    const { page, context } = await adminOn(`/admin/users?q=${encodeURIComponent(email)}`);
    const r = row(page, email);
    await r.getByTestId("ban-button").click();
    await page.getByTestId("confirm-dialog").getByText("Ban Bea Banned?").waitFor();
    await page.fill('[data-testid="ban-reason"] textarea, textarea[name="reason"]', "Spam listings");
    await page.getByTestId("confirm-action").click();
    await r.locator('[data-testid="user-status"][data-status="BANNED"]').waitFor();
    await page.getByTestId("toast").filter({ hasText: "Bea Banned is banned" }).getByTestId("toast-action").click();
    await r.locator('[data-testid="user-status"][data-status="ACTIVE"]').waitFor();
    await page.goto("/admin/activity");
    await page.getByTestId("activity-summary").filter({ hasText: "lifted the ban on Bea Banned" }).waitFor();
    await page.getByTestId("activity-summary").filter({ hasText: "banned Bea Banned: Spam listings" }).waitFor();
    await context.close();
  });

  it("cannot demote or ban themselves: their own row has no such action", async () => {
    const { page, context } = await adminOn("/admin/users?q=admin%40demo.test");
    const me = row(page, "admin@demo.test");
    await me.waitFor();
    expect(await me.getByTestId("change-role").count()).toBe(0);
    expect(await me.getByTestId("ban-button").count()).toBe(0);
    expect(await me.textContent()).toContain("Another admin can change your account");
    await context.close();
  });
});

describe("shop moderation", () => {
  it("approving asks first and names the shop; the waiting owner sees it at once, then a suspension and its reason, and its undo", async () => {
    const stamp = Date.now().toString(36);
    const shopName = `Quiet Quill ${stamp}`;
    const { page: owner, context: ownerCtx } = await app.open();
    await signUp(owner, { name: "Quinn Quill", email: `quinn-${stamp}@example.test` });
    // Opening a shop needs a confirmed email.
    await verifyEmailByMail(owner, inject("mailDir"), `quinn-${stamp}@example.test`);
    await owner.goto("/seller");
    await owner.fill('input[name="name"]', shopName);
    await owner.getByTestId("open-shop-submit").click();
    await owner.locator('[data-testid="shop-status-panel"][data-status="PENDING"]').waitFor();
    await owner.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    const { page: admin, context: adminCtx } = await adminOn(`/admin/shops?q=${encodeURIComponent(shopName)}`);
    const shop = admin.locator(`[data-testid="shop-row"][data-shop-name="${shopName}"]`);
    await shop.getByTestId("approve-shop").click();
    const dialog = admin.getByTestId("approve-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`Approve “${shopName}”?`);
    expect(await dialog.textContent()).toContain("Quinn Quill");
    // Cancel changes nothing.
    await admin.getByTestId("approve-cancel").click();
    expect(await shop.getByTestId("shop-status").getAttribute("data-status")).toBe("PENDING");
    await shop.getByTestId("approve-shop").click();
    await snap(admin, "admin-approve-dialog");
    await admin.getByTestId("approve-confirm").click();
    await shop.locator('[data-testid="shop-status"][data-status="ACTIVE"]').waitFor();

    // The owner's page changes by itself, well before any 20-second poll, without "Check again".
    const heard = Date.now();
    await owner.getByTestId("new-product").waitFor({ timeout: 5000 });
    expect(Date.now() - heard).toBeLessThan(5000);
    await owner.getByTestId("toasts").getByText("Your shop is approved").waitFor();
    await snap(owner, "seller-approved-live");

    // A suspension reaches the owner at once too, with its reason; the admin's Undo reopens.
    await shop.getByTestId("suspend-shop").click();
    await admin.fill('[data-testid="suspend-reason"] textarea, textarea[name="reason"]', "Listings copied from another shop");
    await admin.getByTestId("suspend-confirm").click();
    await owner.locator('[data-testid="shop-status-panel"][data-status="SUSPENDED"]').waitFor({ timeout: 5000 });
    expect(await owner.getByTestId("shop-status-reason").textContent()).toContain("Listings copied from another shop");
    await snap(owner, "seller-suspended-live");
    await admin.getByTestId("toast").filter({ hasText: "is suspended" }).getByTestId("toast-action").click();
    await shop.locator('[data-testid="shop-status"][data-status="ACTIVE"]').waitFor();
    await owner.locator('[data-testid="shop-status-panel"]').waitFor({ state: "detached", timeout: 5000 });
    await admin.goto("/admin/activity?kind=shop.approved");
    await admin.getByTestId("activity-summary").filter({ hasText: `reopened the shop “${shopName}”` }).waitFor();
    await adminCtx.close();
    await ownerCtx.close();
  });
});
