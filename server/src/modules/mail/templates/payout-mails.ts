import { button, formatMoney, html, mailTemplate } from "./template.ts";

/** Money matters of a shop's payouts: a buyer disputed a payment, and how it ended. */
export const payoutMails = {
  payout_dispute: mailTemplate<{ shopName: string; sellerOrderId: string; amountCents: number; currency: string; reason: string }>({
    subject: (d) => `A payment was disputed: its payout to ${d.shopName} is on hold`,
    text: (d, ctx) =>
      `A buyer's bank disputed a payment (${formatMoney(d.amountCents, d.currency)}, reason: ${d.reason}) that includes an order of ${d.shopName}.\n\nIts payout is on hold until the dispute is settled.\n\nYour payouts: ${ctx.url("/seller/payouts")}`,
    html: (d, ctx) => html`<p>A buyer's bank disputed a payment (<strong>${formatMoney(d.amountCents, d.currency)}</strong>, reason: ${d.reason}) that includes an order of <strong>${d.shopName}</strong>.</p>
<p>Its payout is on hold until the dispute is settled.</p>
${button(ctx.url("/seller/payouts"), "Your payouts")}`,
  }),
};
