import nodemailer from "nodemailer";
import type { MailSettings } from "../../config.ts";
import type { RenderedMail } from "./templates/template.ts";

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** The outbox row's id: sent as the Message-ID's local part, so a receiver can spot a repeat. */
  id: string;
}

/**
 * Where the worker hands a rendered message. `smtp` delivers through SMTP_URL; `outbox` (development
 * and tests without SMTP_URL) delivers nothing: the row stays in the database, and its recipient
 * reads it on the local mailbox page.
 */
export interface MailTransport {
  readonly kind: "smtp" | "outbox";
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * How long one SMTP exchange may take at most. A claimed message is leased for longer than this
 * (mail-worker.ts), so no other process takes it over while this one is still talking to the server.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS }, { from });
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? "bazaar.localhost";
  return {
    kind: "smtp",
    async send(mail) {
      await transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<${mail.id}@${domain}>` });
    },
    close: () => transporter.close(),
  };
}

const outboxTransport: MailTransport = { kind: "outbox", send: () => Promise.resolve(), close() {} };

/** The transport MAIL / SMTP_URL chose, or null when email is off. */
export function openMailTransport(mail: MailSettings): MailTransport | null {
  if (mail.transport === "smtp") return smtpTransport(mail.url, mail.from);
  if (mail.transport === "outbox") return outboxTransport;
  return null;
}
