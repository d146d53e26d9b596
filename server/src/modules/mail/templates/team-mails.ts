import { button, html, mailTemplate } from "./template.ts";

/** Invitations to work in a shop. No preference: the person asked for nothing and cannot opt out of a one-off link. */
export const teamMails = {
  team_invite: mailTemplate<{ inviterName: string; shopName: string; roleLabel: string; link: string; expiresInDays: number }>({
    subject: (d) => `${d.inviterName} invites you to ${d.shopName}`,
    text: (d, ctx) =>
      `Hello,\n\n${d.inviterName} invites you to join ${d.shopName} on Bazaar as ${d.roleLabel}.\n\nAccept here (sign in or sign up with this email address): ${ctx.url(d.link)}\n\nThe link works once, for ${d.expiresInDays} days. If you did not expect it, ignore this message.`,
    html: (d, ctx) => html`<p>Hello,</p>
<p><strong>${d.inviterName}</strong> invites you to join <strong>${d.shopName}</strong> on Bazaar as ${d.roleLabel}.</p>
${button(ctx.url(d.link), "Accept the invitation")}
<p>Sign in or sign up with this email address. The link works once, for ${d.expiresInDays} days. If you did not expect it, ignore this message.</p>`,
  }),
};
