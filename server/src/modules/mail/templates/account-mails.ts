import { button, html, mailTemplate } from "./template.ts";

/** Where and how a sign-in or change came from, as the mail tells it. */
interface Origin {
  at: string;
  ip: string;
  device: string;
}

const originText = (o: Origin) => `When: ${o.at}\nFrom: ${o.ip}\nDevice: ${o.device}`;
const originHtml = (o: Origin) => html`<ul><li>When: ${o.at}</li><li>From: ${o.ip}</li><li>Device: ${o.device}</li></ul>`;

/**
 * The account's security messages: none has a preference, so they always go. Links carry a
 * single-use token (`/verify-email?token=…`, `/reset-password?token=…`); the outbox forgets a
 * message's data once it is delivered.
 */
export const accountMails = {
  verify_email: mailTemplate<{ name: string; link: string }>({
    subject: () => "Confirm your email address",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nConfirm that this address is yours (the link works once, for 48 hours):\n${ctx.url(d.link)}\n\nIf you did not sign up at Bazaar, ignore this email.`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>Confirm that this address is yours. The link works once, for 48 hours.</p>
${button(ctx.url(d.link), "Confirm my email")}
<p style="color:#59636e">If you did not sign up at Bazaar, ignore this email.</p>`,
  }),

  reset_password: mailTemplate<{ name: string; link: string }>({
    subject: () => "Reset your password",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nSomeone (we hope you) asked to reset your password. Choose a new one here (the link works once, for 30 minutes):\n${ctx.url(d.link)}\n\nIf it was not you, ignore this email: your password stays as it is.`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>Someone (we hope you) asked to reset your password. The link works once, for 30 minutes.</p>
${button(ctx.url(d.link), "Choose a new password")}
<p style="color:#59636e">If it was not you, ignore this email: your password stays as it is.</p>`,
  }),

  password_changed: mailTemplate<{ name: string } & Origin>({
    subject: () => "Your password was changed",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nYour Bazaar password was just changed, and your other sessions were signed out.\n\n${originText(d)}\n\nIf it was not you, reset your password at once: ${ctx.url("/forgot-password")}`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>Your Bazaar password was just changed, and your other sessions were signed out.</p>
${originHtml(d)}
<p>If it was not you, reset your password at once.</p>
${button(ctx.url("/forgot-password"), "Reset my password")}`,
  }),

  email_changed: mailTemplate<{ name: string; newEmail: string } & Origin>({
    subject: () => "Your email address was changed",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nThe email address of your Bazaar account was changed to ${d.newEmail}. This address will get no more mail from us.\n\n${originText(d)}\n\nIf it was not you, reset your password at once: ${ctx.url("/forgot-password")}`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>The email address of your Bazaar account was changed to <strong>${d.newEmail}</strong>. This address will get no more mail from us.</p>
${originHtml(d)}
<p>If it was not you, reset your password at once.</p>
${button(ctx.url("/forgot-password"), "Reset my password")}`,
  }),

  new_sign_in: mailTemplate<{ name: string } & Origin>({
    subject: () => "New sign-in to your account",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nYour Bazaar account was signed in to from a device we had not seen:\n\n${originText(d)}\n\nIf it was you, there is nothing to do. If not, reset your password, and turn on two-factor sign-in so a password alone is never enough: ${ctx.url("/account")}`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>Your Bazaar account was signed in to from a device we had not seen:</p>
${originHtml(d)}
<p>If it was you, there is nothing to do. If not, reset your password, and turn on two-factor sign-in so a password alone is never enough.</p>
${button(ctx.url("/account"), "Secure my account")}`,
  }),

  two_factor_disabled: mailTemplate<{ name: string } & Origin>({
    subject: () => "Two-factor sign-in was turned off",
    text: (d, ctx) =>
      `Hello ${d.name},\n\nTwo-factor sign-in was turned off for your Bazaar account: a password alone now signs in.\n\n${originText(d)}\n\nIf it was not you, reset your password and turn it on again: ${ctx.url("/account")}`,
    html: (d, ctx) => html`<p>Hello ${d.name},</p>
<p>Two-factor sign-in was turned off for your Bazaar account: a password alone now signs in.</p>
${originHtml(d)}
<p>If it was not you, reset your password and turn it on again.</p>
${button(ctx.url("/account"), "Your account")}`,
  }),
};
