import type { Db } from "../../db/client.ts";
import type { MailTransport } from "./mail-transport.ts";
import { startPeriodic, type Periodic, type RoundOutcome } from "../../lib/periodic.ts";
import { isMailTemplateName, mailTemplates } from "./templates/index.ts";
import { type MailTemplate, renderWithLayout } from "./templates/template.ts";

export interface MailWorkerOptions {
  /** PUBLIC_URL: links in the messages are made absolute with it. */
  publicUrl: string;
  /** Tries before a message is marked dead (MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Messages claimed at once. */
  batchSize?: number;
  /**
   * How long a claimed message stays out of the other workers' reach: longer than one SMTP
   * exchange may last (SMTP_TIMEOUTS), so a message is taken over only when its process died.
   */
  leaseMs?: number;
  /** The wait before try `attempt + 1` after try `attempt` failed. */
  backoffMs?: (attempt: number) => number;
}

export interface DeliveryRound {
  sent: number;
  retried: number;
  dead: number;
}

const DEFAULT_LEASE_MS = 2 * 60_000;

/** 30 s, 1 min, 2 min… up to an hour, each ±20% so that a failed burst does not come back as one. */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

interface Claimed {
  id: string;
  to_address: string;
  template: string;
  data: unknown;
  attempts: number;
  created_at: Date;
}

/**
 * Claims the due messages and sends them. The claim is one statement: it locks due rows with
 * `FOR UPDATE SKIP LOCKED` (rows another worker is claiming at that moment are skipped, not
 * waited for), counts the try, and leases each row until `now() + leaseMs`, so that no other
 * process takes it while this one sends. Each outcome is then written back guarded by the try's
 * number: sent, due again after a backoff, or dead after `maxAttempts`. A process that dies
 * mid-send leaves its rows to be taken over when their lease ends.
 */
export async function deliverDueMail(db: Db, transport: MailTransport, opts: MailWorkerOptions): Promise<DeliveryRound> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE "mail_outbox"
       SET "attempts" = "attempts" + 1, "next_attempt_at" = now() + ${leaseMs} * interval '1 millisecond'
     WHERE "id" IN (SELECT "id" FROM "mail_outbox"
                     WHERE "status" = 'PENDING' AND "next_attempt_at" <= now()
                     ORDER BY "next_attempt_at" LIMIT ${opts.batchSize ?? 20}
                     FOR UPDATE SKIP LOCKED)
 RETURNING "id", "to_address", "template", "data", "attempts", "created_at"`;
  // RETURNING follows no order: send in the order the messages were written (confirmation before "shipped").
  claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : 1));
  const round: DeliveryRound = { sent: 0, retried: 0, dead: 0 };
  const url = (path: string) => new URL(path, `${opts.publicUrl}/`).toString();
  for (const mail of claimed) {
    const guard = { id: mail.id, status: "PENDING", attempts: mail.attempts } as const;
    try {
      if (!isMailTemplateName(mail.template)) throw new UnknownTemplateError(mail.template);
      const rendered = renderWithLayout(mailTemplates[mail.template] as MailTemplate<unknown>, mail.data, { url });
      await transport.send({ id: mail.id, to: mail.to_address, ...rendered });
      // Delivered over SMTP, the message's data (which may hold a sign-in link) is not kept; the
      // local outbox keeps it: it is the recipient's mailbox.
      await db.mailOutbox.updateMany({
        where: guard,
        data: { status: "SENT", sentAt: new Date(), lastError: null, ...(transport.kind === "smtp" ? { data: {} } : {}) },
      });
      round.sent += 1;
    } catch (err) {
      const dead = err instanceof UnknownTemplateError || mail.attempts >= opts.maxAttempts;
      const backoff = (opts.backoffMs ?? defaultBackoffMs)(mail.attempts);
      await db.mailOutbox.updateMany({
        where: guard,
        data: {
          lastError: describe(err),
          ...(dead ? { status: "DEAD" } : { nextAttemptAt: new Date(Date.now() + backoff) }),
        },
      });
      if (dead) round.dead += 1;
      else round.retried += 1;
    }
  }
  return round;
}

class UnknownTemplateError extends Error {
  constructor(name: string) {
    super(`unknown mail template "${name}"`);
  }
}

/** The error as an admin reads it on the dead-mail list (SMTP replies included, never a stack). */
function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 500);
}

/**
 * Every server process runs one: a round every `intervalSeconds` (0: never, tests deliver by
 * hand), and at once again while rounds come back full. Its `kick` runs a round now (e.g. right
 * after a commit that queued mail); its `stop` waits for the round in flight, so the database is
 * not closed under it. A failed round is reported through `onFailure` and run again in a moment.
 */
export function startMailWorker(
  db: Db,
  transport: MailTransport,
  opts: MailWorkerOptions & { intervalSeconds: number; onRound?: (round: DeliveryRound) => void },
  onFailure: (err: unknown) => void,
): Periodic {
  const deliver = async (): Promise<RoundOutcome> => {
    const round = await deliverDueMail(db, transport, opts);
    opts.onRound?.(round);
    return round.sent + round.retried + round.dead >= (opts.batchSize ?? 20) ? "again" : undefined;
  };
  return startPeriodic(deliver, { intervalMs: opts.intervalSeconds * 1000, onFailure });
}
