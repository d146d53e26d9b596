import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * The journeys' mailbox: a real SMTP server (smtp-server) that the app under test sends to
 * (SMTP_URL), each message parsed (mailparser) and written as one JSON file into a folder, so
 * the journeys, in their own workers, read the mails the app really sent (links included).
 */
export interface StoredMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: number;
}

export async function startMailSink(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const mail: StoredMail = {
            to: session.envelope.rcptTo.map((r) => r.address).join(","),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            receivedAt: Date.now(),
          };
          writeFileSync(path.join(dir, `${Date.now()}-${++n}.json`), JSON.stringify(mail));
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The mails received so far, oldest first. */
export function readMails(dir: string): StoredMail[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as StoredMail)
    .sort((a, b) => a.receivedAt - b.receivedAt);
}

/** Waits for a mail to `to` whose subject matches, received after `since` (ms epoch). */
export async function waitForMail(dir: string, to: string, subject: RegExp, since = 0, timeoutMs = 20_000): Promise<StoredMail> {
  return waitForMailThat(dir, (m) => m.to === to && subject.test(m.subject) && m.receivedAt >= since, `"${String(subject)}" to ${to}`, timeoutMs);
}

/** The first mail `matches` accepts (e.g. the one naming an order: other journeys mail the same demo users). */
export async function waitForMailThat(dir: string, matches: (mail: StoredMail) => boolean, what: string, timeoutMs = 20_000): Promise<StoredMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = readMails(dir).find(matches);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The path and query of the first link to `path` in a mail's text (`/verify-email?token=…`). */
export function linkIn(mail: StoredMail, pathname: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathname.replace(/[/]/g, "\\/")}\\?token=[\\w-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${pathname} link in the mail "${mail.subject}"`);
  return match[1]!;
}
