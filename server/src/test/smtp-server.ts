import { type ParsedMail, simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`: SMTP_URL for the server under test. */
  url: string;
  /** Every message accepted so far, parsed. */
  received: ReceivedMail[];
  /** Tries the server answered (accepted or refused), one per MAIL FROM. */
  tries: number;
  /** Refuses the next `n` messages with a temporary 451 reply. */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (smtp-server), whose messages are parsed with
 * mailparser: what a receiving mail server would get, with no delivery.
 */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  let refusals = 0;
  const state = { received: [] as ReceivedMail[], tries: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onMailFrom(_address, _session, callback) {
      state.tries += 1;
      if (refusals > 0) {
        refusals -= 1;
        const err = Object.assign(new Error("Try again later"), { responseCode: 451 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          state.received.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(","),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            messageId: parsed.messageId ?? "",
            parsed,
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    get tries() {
      return state.tries;
    },
    refuseNext(n) {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
