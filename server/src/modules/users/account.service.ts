import type { ChangePasswordInput, UpdateProfileInput } from "@marketplace/shared";
import { DomainError, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, SessionUser } from "../../scope.ts";
import { assertPasswordAllowed, sessionUserSelect, toSessionUser } from "../auth/auth.service.ts";
import { takePasswordCheckAttempt } from "../auth/login-throttle.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { revokeUserSessions } from "../auth/session.service.ts";
import { originOf } from "../auth/origin.ts";
import { enqueueMail } from "../mail/outbox.ts";

export async function updateProfile(ctx: AuthedScope, input: UpdateProfileInput): Promise<SessionUser> {
  return toSessionUser(await ctx.db.user.update({ where: { id: ctx.user.id }, data: { name: input.name }, select: sessionUserSelect }));
}

/** Changes the password after checking the current one, and signs out every other session. */
export async function changePassword(ctx: AuthedScope, input: ChangePasswordInput): Promise<{ revokedSessions: number }> {
  // A stolen session must not become a way to guess the password: each check is one attempt
  // from the user's and the IP's budgets, taken before verifying (SECURITY 32).
  const attempt = await takePasswordCheckAttempt(ctx.deps.limits, ctx.user.id, ctx.ip);
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new DomainError("BAD_REQUEST", "The current password is wrong", {
      currentPassword: ["The current password is wrong"],
    });
  }
  await attempt.succeeded();
  assertPasswordAllowed(input.newPassword, "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await inTransaction(ctx, async (tx, events) => {
    await tx.user.update({ where: { id: ctx.user.id }, data: { passwordHash } });
    await enqueueMail(tx, { userId: ctx.user.id, template: "password_changed", data: { name: ctx.user.name, ...originOf(ctx) } });
    const ids = await revokeUserSessions(tx, ctx.user.id, ctx.sessionId);
    events.revokeSessions(ids);
    return ids.length;
  });
  return { revokedSessions: revoked };
}

/** The caller's live sessions, newest first, with the current one marked. */
export async function listSessions(ctx: AuthedScope) {
  const sessions = await ctx.db.session.findMany({
    where: { userId: ctx.user.id, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, userAgent: true, ip: true, createdAt: true, lastSeenAt: true, expiresAt: true },
  });
  return sessions.map((s) => ({ ...s, current: s.id === ctx.sessionId }));
}

/**
 * Revokes one of the caller's own sessions; another user's session id is NOT_FOUND. Says whether
 * it was the session asking, whose cookie the caller then clears.
 */
export async function revokeSession(ctx: AuthedScope, id: string): Promise<{ signedOut: boolean }> {
  await inTransaction(ctx, async (tx, events) => {
    const { count } = await tx.session.updateMany({
      where: { id, userId: ctx.user.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw notFound("Session");
    events.revokeSessions([id]);
  });
  return { signedOut: id === ctx.sessionId };
}
