import { button, html, mailTemplate } from "./template.ts";

/** A shop's answer to a buyer's review. */
export const reviewMails = {
  review_reply: mailTemplate<{ buyerName: string; shopName: string; subjectTitle: string; reply: string; link: string }>({
    preference: { key: "review_reply", label: "Replies to my reviews" },
    subject: (d) => `${d.shopName} replied to your review`,
    text: (d, ctx) => `Hello ${d.buyerName},\n\n${d.shopName} replied to your review of ${d.subjectTitle}:\n\n"${d.reply}"\n\n${ctx.url(d.link)}`,
    html: (d, ctx) => html`<p>Hello ${d.buyerName},</p>
<p><strong>${d.shopName}</strong> replied to your review of ${d.subjectTitle}:</p>
<blockquote style="border-left: 3px solid #d1d9e0; margin: 0; padding-left: 12px">${d.reply}</blockquote>
${button(ctx.url(d.link), "Read it")}`,
  }),
};
