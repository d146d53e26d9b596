import { accountMails } from "./account-mails.ts";
import { orderMails } from "./order-mails.ts";
import { payoutMails } from "./payout-mails.ts";
import { reviewMails } from "./review-mails.ts";
import { shopMails } from "./shop-mails.ts";
import { teamMails } from "./team-mails.ts";
import type { MailPreference, MailTemplate } from "./template.ts";

/**
 * Every email the marketplace sends, by name. A feature adds its own file of templates beside
 * these (`mailTemplate<Data>({ subject, text, html })`) and spreads it in here; the name is what
 * `enqueueMail` takes and what the outbox row records.
 */
export const mailTemplates = {
  ...accountMails,
  ...orderMails,
  ...shopMails,
  ...reviewMails,
  ...payoutMails,
  ...teamMails,
};

export type MailTemplates = typeof mailTemplates;
export type MailTemplateName = keyof MailTemplates;
/** The data a template renders from. */
export type MailData<K extends MailTemplateName> = MailTemplates[K] extends MailTemplate<infer D> ? D : never;

export function isMailTemplateName(name: string): name is MailTemplateName {
  return Object.hasOwn(mailTemplates, name);
}

/** The kinds of email a user may turn off, once each (security messages are never listed). */
export const MAIL_PREFERENCES: MailPreference[] = [
  ...new Map(
    Object.values(mailTemplates as Record<string, MailTemplate<never>>).flatMap((t) => (t.preference ? [[t.preference.key, t.preference] as const] : [])),
  ).values(),
];

/** The preference key of a template, or null for a security message that always goes. */
export function preferenceOf(name: MailTemplateName): string | null {
  return (mailTemplates[name] as MailTemplate<never>).preference?.key ?? null;
}
