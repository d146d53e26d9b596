import { button, html, mailTemplate } from "./template.ts";

/** What an admin's decision on a shop means for its owner. */
export const shopMails = {
  shop_approved: mailTemplate<{ ownerName: string; shopName: string }>({
    preference: { key: "shop_status", label: "My shop's approval and suspension" },
    subject: (d) => `${d.shopName} is open`,
    text: (d, ctx) => `Hello ${d.ownerName},\n\nGood news: ${d.shopName} was approved and can sell now.\n\nYour shop: ${ctx.url("/seller")}`,
    html: (d, ctx) => html`<p>Hello ${d.ownerName},</p>
<p>Good news: <strong>${d.shopName}</strong> was approved and can sell now.</p>
${button(ctx.url("/seller"), "Open your shop's dashboard")}`,
  }),

  shop_suspended: mailTemplate<{ ownerName: string; shopName: string; reason: string }>({
    preference: { key: "shop_status", label: "My shop's approval and suspension" },
    subject: (d) => `${d.shopName} was suspended`,
    text: (d, ctx) =>
      `Hello ${d.ownerName},\n\n${d.shopName} was suspended by the marketplace's admins and is hidden from buyers.\n\nReason: ${d.reason}\n\nYour shop: ${ctx.url("/seller")}`,
    html: (d, ctx) => html`<p>Hello ${d.ownerName},</p>
<p><strong>${d.shopName}</strong> was suspended by the marketplace's admins and is hidden from buyers.</p>
<blockquote style="border-left: 3px solid #d1d9e0; margin: 0; padding-left: 12px">Reason: ${d.reason}</blockquote>
${button(ctx.url("/seller"), "Your shop's dashboard")}`,
  }),
};
