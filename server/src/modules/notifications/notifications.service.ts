import type { NotificationListInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { notFound } from "../../lib/errors.ts";
import type { AuthedScope } from "../../scope.ts";

const notificationSelect = { id: true, kind: true, text: true, link: true, readAt: true, createdAt: true } as const satisfies Prisma.NotificationSelect;

/**
 * The caller's notifications, newest first. Ids are UUID v7 (time-ordered), so the id alone is the
 * keyset: the cursor is the last id of the previous page.
 */
export async function listNotifications(ctx: AuthedScope, input: NotificationListInput) {
  const rows = await ctx.db.notification.findMany({
    where: { userId: ctx.user.id, ...(input.cursor ? { id: { lt: input.cursor } } : {}), ...(input.unreadOnly ? { readAt: null } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: notificationSelect,
  });
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function unreadCount(ctx: AuthedScope): Promise<{ count: number }> {
  return { count: await ctx.db.notification.count({ where: { userId: ctx.user.id, readAt: null } }) };
}

/** Marks one of the caller's own notifications read; another user's is NOT_FOUND. */
export async function markRead(ctx: AuthedScope, id: string) {
  const { count } = await ctx.db.notification.updateMany({ where: { id, userId: ctx.user.id, readAt: null }, data: { readAt: new Date() } });
  if (count === 0 && !(await ctx.db.notification.count({ where: { id, userId: ctx.user.id } }))) throw notFound("Notification");
  return unreadCount(ctx);
}

export async function markAllRead(ctx: AuthedScope) {
  await ctx.db.notification.updateMany({ where: { userId: ctx.user.id, readAt: null }, data: { readAt: new Date() } });
  return { count: 0 };
}
