import { generate } from "otplib";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { journeyBrowser, signIn, signUp, snap, verifyEmailByMail } from "./browser.ts";
import { linkIn, waitForMail } from "./mailbox.ts";

/**
 * The account's security, as its owner lives it: every link comes from a mail the app really sent
 * (to the run's SMTP server), and two-factor codes are computed from the key the page shows, as an
 * authenticator app would.
 */
const app = journeyBrowser();
const mailDir = inject("mailDir");

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function signOut(page: Page) {
  await page.getByTestId("account-menu-button").click();
  await page.getByTestId("sign-out").click();
  await page.getByRole("link", { name: "Sign in" }).first().waitFor();
}

describe("email verification and password reset", () => {
  it("SECURITY 40: signs up, opens the verification mail's link, and the account shows the address confirmed", async () => {
    const { page, context } = await app.open();
    const email = `vera-${stamp()}@example.test`;
    await signUp(page, { name: "Vera Verify", email });
    await page.goto("/account");
    await page.locator('[data-testid="email-card"][data-verified="false"]').waitFor();
    await snap(page, "account-email-unconfirmed");

    await verifyEmailByMail(page, mailDir, email);
    await snap(page, "verify-email");
    await page.goto("/account");
    await page.locator('[data-testid="email-card"][data-verified="true"]').waitFor();
    // The link works once.
    const mail = await waitForMail(mailDir, email, /Confirm your email/);
    await page.goto(linkIn(mail, "/verify-email"));
    await page.getByTestId("verify-failed").waitFor();
    await context.close();
  });

  it("SECURITY 40: forgot password → the mail's link → a new password → signs in with it, not with the old one", async () => {
    const { page, context } = await app.open();
    const email = `rosa-${stamp()}@example.test`;
    await signUp(page, { name: "Rosa Reset", email, password: "the-old-long-password" });
    await signOut(page);

    await page.goto("/sign-in");
    await page.getByTestId("forgot-password-link").click();
    await page.getByTestId("forgot-password-form").waitFor();
    const asked = Date.now();
    await page.fill('input[name="email"]', email);
    await page.click('main button[type="submit"]');
    await page.getByTestId("reset-requested").waitFor();
    await snap(page, "forgot-password");

    const mail = await waitForMail(mailDir, email, /Reset your password/, asked);
    await page.goto(linkIn(mail, "/reset-password"));
    await page.fill('input[name="password"]', "the-new-long-password");
    await snap(page, "reset-password");
    await page.click('main button[type="submit"]');
    await page.waitForURL("**/sign-in");

    // The old password no longer works; the new one does.
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "the-old-long-password");
    await page.click('main button[type="submit"]');
    expect(await page.getByTestId("form-error").textContent()).toContain("Wrong email or password");
    await signIn(page, email, "the-new-long-password");
    await waitForMail(mailDir, email, /Your password was changed/, asked);
    await context.close();
  });
});

describe("two-factor sign-in", () => {
  it("SECURITY 41: turns it on with a code computed from the shown key, signs out, and signs in again with a code", async () => {
    const { page, context } = await app.open();
    const email = `otto-${stamp()}@example.test`;
    await signUp(page, { name: "Otto Two", email, password: "a-long-two-factor-password" });
    await page.goto("/account");
    await page.getByTestId("two-factor-start").click();
    await page.getByTestId("two-factor-qr").waitFor();
    const secret = (await page.getByTestId("two-factor-secret").textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await snap(page, "two-factor-setup");

    await page.getByTestId("two-factor-enable-form").locator('input[name="code"]').fill(await generate({ secret }));
    await page.getByTestId("two-factor-enable-form").locator('button[type="submit"]').click();
    const codes = page.getByTestId("recovery-codes").locator("code");
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await snap(page, "two-factor-recovery-codes");
    await page.getByTestId("recovery-codes-saved").click();
    await page.getByTestId("two-factor-on").waitFor();

    await signOut(page);
    await page.goto("/sign-in");
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', "a-long-two-factor-password");
    await page.click('main button[type="submit"]');
    await page.waitForURL("**/sign-in/two-factor");
    await snap(page, "two-factor-sign-in");
    // A password alone is no session: the account page still asks to sign in.
    expect(await page.getByTestId("account-menu-button").count()).toBe(0);
    // The set-up's code is spent; the app's next code (the next 30 seconds, within the accepted drift) signs in.
    await page.fill('input[name="code"]', await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click('main button[type="submit"]');
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await page.getByTestId("account-menu-button").waitFor();
    await page.goto("/account");
    await page.getByTestId("two-factor-on").waitFor();
    await context.close();
  });
});
