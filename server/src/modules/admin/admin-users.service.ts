import type { AdminBanInput, AdminSetRoleInput, AdminUsersListInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { forbidden, notFound } from "../../lib/errors.ts";
import { newestFirst } from "../../lib/cursor.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { rooms } from "../../realtime/publish.ts";
import type { AuthedScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { revokeUserSessions } from "../auth/session.service.ts";

const adminUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  createdAt: true,
  shop: { select: { id: true, name: true, slug: true, status: true } },
} as const satisfies Prisma.UserSelect;

/** Users, newest first, filtered by a search over email and name, role and status; keyset paged. */
export async function listUsers(ctx: AuthedScope, input: AdminUsersListInput) {
  const where: Prisma.UserWhereInput = {
    ...(input.role ? { role: input.role } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.q
      ? {
          OR: [
            { email: { contains: input.q, mode: "insensitive" } },
            { name: { contains: input.q, mode: "insensitive" } },
          ],
        }
      : {}),
    ...newestFirst.after(input.cursor),
  };
  const rows = await ctx.db.user.findMany({
    where,
    orderBy: [...newestFirst.orderBy],
    take: input.limit + 1,
    select: adminUserSelect,
  });
  return newestFirst.page(rows, input.limit);
}

/**
 * The user an admin acts on, never the admin themselves: one slip would lock them out of the
 * admin area (a demotion) or out of the site (a ban), with no other admin perhaps to undo it.
 */
async function loadTarget(ctx: AuthedScope, id: string, selfMessage: string) {
  if (id === ctx.user.id) throw forbidden(selfMessage);
  const user = await ctx.db.user.findUnique({ where: { id }, select: { id: true, name: true, role: true, status: true } });
  if (!user) throw notFound("User");
  return user;
}

/**
 * Changes a user's role, effective at once on their open sockets too (SECURITY 34): after the
 * commit, on every replica, their sockets leave the admins' room (a demotion: no more activity
 * feed, not even the line announcing it) or join it (a promotion). Decided by the new role alone,
 * so two changes racing each other still leave the rooms matching the role that won.
 */
export async function setRole(ctx: AuthedScope, input: AdminSetRoleInput) {
  const target = await loadTarget(ctx, input.id, "You cannot change your own role: ask another admin");
  return inTransaction(ctx, async (tx, events) => {
    const user = await tx.user.update({ where: { id: target.id }, data: { role: input.role }, select: adminUserSelect });
    if (input.role === "ADMIN") events.joinRooms(rooms.user(target.id), [rooms.admins()]);
    else events.leaveRooms(rooms.user(target.id), [rooms.admins()]);
    await recordActivity(tx, events, {
      kind: "user.role_changed",
      summary: `${ctx.user.name} made ${target.name} ${input.role.toLowerCase()} (was ${target.role.toLowerCase()})`,
      actorId: ctx.user.id,
      subject: { type: "user", id: target.id },
      data: { from: target.role, to: input.role },
    });
    return user;
  });
}

/** Bans a user: status BANNED, every session revoked (their sockets are disconnected). */
export async function ban(ctx: AuthedScope, input: AdminBanInput) {
  const target = await loadTarget(ctx, input.id, "You cannot ban yourself");
  return inTransaction(ctx, async (tx, events) => {
    const user = await tx.user.update({ where: { id: target.id }, data: { status: "BANNED" }, select: adminUserSelect });
    events.revokeSessions(await revokeUserSessions(tx, target.id));
    await recordActivity(tx, events, {
      kind: "user.banned",
      summary: `${ctx.user.name} banned ${target.name}${input.reason ? `: ${input.reason}` : ""}`,
      actorId: ctx.user.id,
      subject: { type: "user", id: target.id },
      data: { reason: input.reason ?? null },
    });
    return user;
  });
}

export async function unban(ctx: AuthedScope, id: string) {
  const target = await loadTarget(ctx, id, "You cannot lift a ban on yourself");
  return inTransaction(ctx, async (tx, events) => {
    const user = await tx.user.update({ where: { id: target.id }, data: { status: "ACTIVE" }, select: adminUserSelect });
    await recordActivity(tx, events, {
      kind: "user.unbanned",
      summary: `${ctx.user.name} lifted the ban on ${target.name}`,
      actorId: ctx.user.id,
      subject: { type: "user", id: target.id },
    });
    return user;
  });
}
