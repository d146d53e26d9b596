import { button, formatMoney, html, mailTemplate } from "./template.ts";

export interface MailLine {
  title: string;
  quantity: number;
}

const lineText = (lines: MailLine[]) => lines.map((l) => `- ${l.quantity} × ${l.title}`).join("\n");
const lineHtml = (lines: MailLine[]) => html`<ul>${lines.map((l) => html`<li>${l.quantity} × ${l.title}</li>`)}</ul>`;

/** The messages of an order's life: to the buyer, and to each shop that sells in it. */
export const orderMails = {
  order_confirmation: mailTemplate<{ buyerName: string; orderId: string; totalCents: number; currency: string; lines: (MailLine & { shopName: string })[] }>({
    preference: { key: "order_confirmation", label: "Order confirmations" },
    subject: (d) => `Your order is confirmed (${formatMoney(d.totalCents, d.currency)})`,
    text: (d, ctx) =>
      `Hello ${d.buyerName},\n\nThank you: your payment of ${formatMoney(d.totalCents, d.currency)} went through and the shops are preparing your order.\n\n${d.lines
        .map((l) => `- ${l.quantity} × ${l.title} (${l.shopName})`)
        .join("\n")}\n\nFollow it here: ${ctx.url(`/orders/${d.orderId}`)}`,
    html: (d, ctx) => html`<p>Hello ${d.buyerName},</p>
<p>Thank you: your payment of <strong>${formatMoney(d.totalCents, d.currency)}</strong> went through and the shops are preparing your order.</p>
<ul>${d.lines.map((l) => html`<li>${l.quantity} × ${l.title} <span style="color:#59636e">(${l.shopName})</span></li>`)}</ul>
${button(ctx.url(`/orders/${d.orderId}`), "Follow your order")}`,
  }),

  new_order: mailTemplate<{ shopName: string; buyerName: string; sellerOrderId: string; subtotalCents: number; currency: string; lines: MailLine[] }>({
    preference: { key: "new_order", label: "New orders for my shop" },
    subject: (d) => `New order for ${d.shopName} (${formatMoney(d.subtotalCents, d.currency)})`,
    text: (d, ctx) =>
      `${d.buyerName} ordered from ${d.shopName} and paid ${formatMoney(d.subtotalCents, d.currency)}:\n\n${lineText(d.lines)}\n\nPrepare it here: ${ctx.url("/seller/orders")}`,
    html: (d, ctx) => html`<p>${d.buyerName} ordered from <strong>${d.shopName}</strong> and paid ${formatMoney(d.subtotalCents, d.currency)}:</p>
${lineHtml(d.lines)}
${button(ctx.url("/seller/orders"), "Prepare the order")}`,
  }),

  order_shipped: mailTemplate<{ buyerName: string; orderId: string; shopName: string; trackingNumber: string }>({
    preference: { key: "order_shipped", label: "Shipping updates" },
    subject: (d) => `${d.shopName} shipped your order`,
    text: (d, ctx) =>
      `Hello ${d.buyerName},\n\n${d.shopName} shipped your order. Tracking number: ${d.trackingNumber}\n\nYour order: ${ctx.url(`/orders/${d.orderId}`)}`,
    html: (d, ctx) => html`<p>Hello ${d.buyerName},</p>
<p><strong>${d.shopName}</strong> shipped your order. Tracking number: <code>${d.trackingNumber}</code></p>
${button(ctx.url(`/orders/${d.orderId}`), "See your order")}`,
  }),

  order_delivered: mailTemplate<{ buyerName: string; orderId: string; shopName: string; products: { id: string; title: string }[] }>({
    preference: { key: "order_delivered", label: "Deliveries and review reminders" },
    subject: (d) => `Delivered: your order from ${d.shopName}`,
    text: (d, ctx) =>
      `Hello ${d.buyerName},\n\nYour order from ${d.shopName} was delivered. How was it? Review it and help other buyers:\n\n${d.products
        .map((p) => `- ${p.title}: ${ctx.url(`/products/${p.id}#reviews`)}`)
        .join("\n")}\n\nYour order: ${ctx.url(`/orders/${d.orderId}`)}`,
    html: (d, ctx) => html`<p>Hello ${d.buyerName},</p>
<p>Your order from <strong>${d.shopName}</strong> was delivered. How was it? Review it and help other buyers:</p>
<ul>${d.products.map((p) => html`<li><a href="${ctx.url(`/products/${p.id}#reviews`)}">Review ${p.title}</a></li>`)}</ul>
${button(ctx.url(`/orders/${d.orderId}`), "See your order")}`,
  }),
};
