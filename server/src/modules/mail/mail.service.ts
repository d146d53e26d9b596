import type { MailListInput, MailPreferenceInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { badInput, conflict, notFound } from "../../lib/errors.ts";
import type { AuthedScope } from "../../scope.ts";
import { isMailTemplateName, MAIL_PREFERENCES, mailTemplates } from "./templates/index.ts";
import { type MailTemplate, renderWithLayout } from "./templates/template.ts";

/**
 * The kinds of non-security email, each with whether the caller gets it, and whether mail is kept
 * in the local mailbox (development without SMTP_URL) instead of being delivered.
 */
export async function listPreferences(ctx: AuthedScope) {
  const off = await ctx.db.mailOptOut.findMany({ where: { userId: ctx.user.id }, select: { kind: true } });
  const offKinds = new Set(off.map((o) => o.kind));
  return {
    kinds: MAIL_PREFERENCES.map((p) => ({ kind: p.key, label: p.label, enabled: !offKinds.has(p.key) })),
    localMailbox: ctx.deps.config.mail.transport === "outbox",
  };
}

/** Turns one kind of non-security email on or off; security messages are not among the kinds. */
export async function setPreference(ctx: AuthedScope, input: MailPreferenceInput) {
  if (!MAIL_PREFERENCES.some((p) => p.key === input.kind)) throw badInput("kind", "There is no such kind of email to turn off");
  if (input.enabled) {
    await ctx.db.mailOptOut.deleteMany({ where: { userId: ctx.user.id, kind: input.kind } });
  } else {
    await ctx.db.mailOptOut.upsert({
      where: { userId_kind: { userId: ctx.user.id, kind: input.kind } },
      create: { userId: ctx.user.id, kind: input.kind },
      update: {},
    });
  }
  return listPreferences(ctx);
}

/**
 * The caller's own mail in the local outbox (development without SMTP_URL: nothing is delivered,
 * so this page is the mailbox). With a real transport there is no such page: NOT_FOUND.
 */
export async function myMailbox(ctx: AuthedScope, input: MailListInput) {
  if (ctx.deps.config.mail.transport !== "outbox") throw notFound("Local mailbox");
  const rows = await ctx.db.mailOutbox.findMany({
    where: { userId: ctx.user.id, ...(input.cursor ? { id: { lt: input.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: { id: true, toAddress: true, template: true, data: true, status: true, createdAt: true, sentAt: true },
  });
  const base = ctx.deps.config.publicUrl;
  const url = (path: string) => new URL(path, `${base}/`).toString();
  const items = rows.slice(0, input.limit).map((row) => {
    const rendered = isMailTemplateName(row.template)
      ? renderWithLayout(mailTemplates[row.template] as MailTemplate<unknown>, row.data, { url })
      : { subject: `(unknown template ${row.template})`, text: "", html: "" };
    return { id: row.id, to: row.toAddress, status: row.status, createdAt: row.createdAt, sentAt: row.sentAt, ...rendered };
  });
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

const deadSelect = { id: true, toAddress: true, template: true, attempts: true, lastError: true, createdAt: true, nextAttemptAt: true } as const satisfies Prisma.MailOutboxSelect;

/** Admins: the messages given up on (newest first), and how many wait or were sent. */
export async function listDeadMail(ctx: AuthedScope, input: MailListInput) {
  const rows = await ctx.db.mailOutbox.findMany({
    where: { status: "DEAD", ...(input.cursor ? { id: { lt: input.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: deadSelect,
  });
  const items = rows.slice(0, input.limit);
  const counts = await ctx.db.mailOutbox.groupBy({ by: ["status"], _count: { _all: true } });
  const count = (status: "PENDING" | "SENT" | "DEAD") => counts.find((c) => c.status === status)?._count._all ?? 0;
  return {
    items,
    nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null,
    counts: { pending: count("PENDING"), sent: count("SENT"), dead: count("DEAD") },
  };
}

/** Admins: a dead message is tried again from the start (e.g. after the SMTP settings were fixed). */
export async function retryDeadMail(ctx: AuthedScope, id: string) {
  const { count } = await ctx.db.mailOutbox.updateMany({
    where: { id, status: "DEAD" },
    data: { status: "PENDING", attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  if (count === 0) {
    if (!(await ctx.db.mailOutbox.count({ where: { id } }))) throw notFound("Message");
    throw conflict("This message is not dead");
  }
  return { id, status: "PENDING" as const };
}
