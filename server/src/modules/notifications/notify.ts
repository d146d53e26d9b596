import type { NotificationKind } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { type EventBuffer, rooms } from "../../realtime/publish.ts";

export interface NotificationDraft {
  kind: NotificationKind;
  text: string;
  /** A path inside the app. */
  link?: string | null;
}

/** At most this many characters of text: a review's words are quoted, never whole. */
const MAX_TEXT = 280;

/**
 * Writes an in-app notification in the caller's transaction and queues the live `notification`
 * event to the user's room; the event goes out only after the commit (inTransaction flushes it),
 * so a rolled-back change leaves neither a row nor a pushed notification.
 */
export async function notify(tx: Tx, events: EventBuffer, userId: string, draft: NotificationDraft): Promise<void> {
  const text = draft.text.length > MAX_TEXT ? `${draft.text.slice(0, MAX_TEXT - 1)}…` : draft.text;
  const row = await tx.notification.create({
    data: { userId, kind: draft.kind, text, link: draft.link ?? null },
    select: { id: true },
  });
  events.add("notification", [rooms.user(userId)], { notificationId: row.id, kind: draft.kind, text, link: draft.link ?? null });
}

/** The same notification to every active admin (there are few). */
export async function notifyAdmins(tx: Tx, events: EventBuffer, draft: NotificationDraft): Promise<void> {
  const admins = await tx.user.findMany({ where: { role: "ADMIN", status: "ACTIVE" }, select: { id: true } });
  for (const admin of admins) await notify(tx, events, admin.id, draft);
}

/** A quotation of user text for a notification: short, on one line. */
export function quote(text: string, max = 80): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
