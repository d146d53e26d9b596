/**
 * The building blocks of every email: a template renders a subject, a plain-text body and a
 * simple HTML body from its data. HTML is written with the `html` tag, which escapes every
 * interpolated value (a shop called `<b>Evil</b>` is shown as text), so a template cannot forget
 * to escape a name; only `Html` values (other `html` fragments) are inserted as they are.
 */

/** A fragment of HTML that is already safe: made only by `html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type HtmlValue = Html | string | number | null | undefined | readonly HtmlValue[];

function toHtml(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(toHtml).join("");
  if (value === null || value === undefined) return "";
  return escapeHtml(String(value as string | number));
}

/** HTML with every interpolation escaped (nested `html` fragments excepted). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += toHtml(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** What a template may know besides its data: where the site is, for absolute links. */
export interface RenderContext {
  /** The absolute address of a path of the site (PUBLIC_URL + path). */
  url(path: string): string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * A kind of email. `preference` marks a non-security message that a user may turn off on the
 * account page (templates may share one key: approved and suspended are one choice); security
 * messages (no preference) always go.
 */
export interface MailTemplate<D> {
  preference?: MailPreference;
  subject(data: D): string;
  /** The plain-text body (without greeting and footer, which the layout adds). */
  text(data: D, ctx: RenderContext): string;
  /** The HTML body's content (without the layout). */
  html(data: D, ctx: RenderContext): Html;
}

export interface MailPreference {
  /** Stored in mail_opt_outs when the user turns it off: never rename one. */
  key: string;
  /** Shown on the account page. */
  label: string;
}

/** Declares a template with its data type (so `enqueueMail` checks the data of each name). */
export function mailTemplate<D>(template: MailTemplate<D>): MailTemplate<D> {
  return template;
}

/** Every mail's frame: a greeting, the body, and a footer saying why it came. */
export function renderWithLayout<D>(template: MailTemplate<D>, data: D, ctx: RenderContext): RenderedMail {
  const footer = template.preference
    ? `You can choose which emails you get on your account page: ${ctx.url("/account")}`
    : "You get this email because it concerns the security of your account.";
  const subject = template.subject(data);
  const text = `${template.text(data, ctx).trim()}\n\n— Bazaar\n${footer}\n`;
  const body = template.html(data, ctx);
  const page = html`<!doctype html>
<html><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328; max-width: 560px; margin: 0 auto; padding: 16px">
${body}
<p style="color: #59636e; font-size: 13px; border-top: 1px solid #d1d9e0; padding-top: 8px; margin-top: 24px">Bazaar · ${footer}</p>
</body></html>`;
  return { subject, text, html: page.value };
}

/** A link button for the HTML body. */
export function button(href: string, label: string): Html {
  return html`<p><a href="${href}" style="display: inline-block; background: #1f6feb; color: #fff; padding: 8px 16px; border-radius: 6px; text-decoration: none">${label}</a></p>`;
}

/** Money in minor units as the buyer reads it (`$12.50`). */
export function formatMoney(cents: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}
