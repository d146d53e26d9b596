import type { ChangeEmailInput, RequestPasswordResetInput, ResetPasswordInput, VerifyEmailInput } from "@marketplace/shared";
import { isUniqueViolation } from "../../db/errors.ts";
import type { Tx } from "../../db/client.ts";
import { badInput, conflict } from "../../lib/errors.ts";
import { consumeOrThrow, type LimitRule } from "../../lib/rate-limiter.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, Scope, SessionUser } from "../../scope.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { assertPasswordAllowed, sessionUserSelect, toSessionUser } from "./auth.service.ts";
import { takePasswordCheckAttempt } from "./login-throttle.ts";
import { badLink, consumeAccountToken, isLiveAccountToken, issueAccountToken } from "./account-tokens.ts";
import { originOf } from "./origin.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { revokeUserSessions } from "./session.service.ts";

/**
 * The links we mail: verify an address (sign-up, a changed email, "send it again") and reset a
 * forgotten password. Tokens are made and spent in `account-tokens.ts`; the mails go through the
 * outbox in the transaction that made the token, so a link exists only if its mail is queued.
 */
export const LINK_LIMITS = {
  /** Reset requests per IP: slows probing and mail-bombing from one client. */
  resetPerIp: { name: "reset:ip", points: 10, durationSeconds: 15 * 60 },
  /** Reset requests per address, known or not (so the limit itself tells nothing): no inbox floods. */
  resetPerEmail: { name: "reset:email", points: 3, durationSeconds: 60 * 60 },
  /** "Send the verification again", per user. */
  resendPerUser: { name: "verify:user", points: 5, durationSeconds: 60 * 60 },
} as const satisfies Record<string, LimitRule>;

/**
 * A reset request answers no sooner than this, whether or not the address has an account: the
 * work for a known one (a token, a queued mail) then cannot be told from none by timing.
 */
export const RESET_ANSWER_FLOOR_MS = 300;

/** Queues the verification mail for `email` with a fresh link (earlier links stop working). */
export async function sendVerification(tx: Tx, user: { id: string; name: string; email: string }): Promise<void> {
  const token = await issueAccountToken(tx, { userId: user.id, kind: "VERIFY_EMAIL", email: user.email });
  await enqueueMail(tx, {
    userId: user.id,
    to: user.email,
    template: "verify_email",
    data: { name: user.name, link: `/verify-email?token=${token}` },
  });
}

/** Sends the signed-in user a new verification link. */
export async function resendVerification(ctx: AuthedScope): Promise<{ sent: true }> {
  if (ctx.user.emailVerified) throw conflict("Your email address is already verified");
  await consumeOrThrow(ctx.deps.limits.limiter(LINK_LIMITS.resendPerUser), ctx.user.id);
  await inTransaction(ctx, (tx) => sendVerification(tx, ctx.user));
  return { sent: true };
}

/**
 * Proves an address by its link: anyone holding the link may open it (a phone's mail app has no
 * session). The token proves the address it was sent to; if the account's email changed since,
 * the link proves nothing any more.
 */
export async function verifyEmail(ctx: Scope, input: VerifyEmailInput): Promise<{ verified: true }> {
  await inTransaction(ctx, async (tx) => {
    const { userId, email } = await consumeAccountToken(tx, "VERIFY_EMAIL", input.token);
    const { count } = await tx.user.updateMany({ where: { id: userId, email }, data: { emailVerifiedAt: new Date() } });
    if (count !== 1) throw badLink();
  });
  return { verified: true };
}

/**
 * "Forgot password": mails a reset link if the address has an account. The answer is the same
 * either way, after the same time (`RESET_ANSWER_FLOOR_MS`), under limits per IP and per address.
 */
export async function requestPasswordReset(ctx: Scope, input: RequestPasswordResetInput): Promise<{ sent: true }> {
  const started = Date.now();
  await consumeOrThrow(ctx.deps.limits.limiter(LINK_LIMITS.resetPerIp), ctx.ip);
  await consumeOrThrow(ctx.deps.limits.limiter(LINK_LIMITS.resetPerEmail), input.email);
  const user = await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true, name: true, email: true, status: true } });
  if (user && user.status === "ACTIVE") {
    await inTransaction(ctx, async (tx) => {
      const token = await issueAccountToken(tx, { userId: user.id, kind: "RESET_PASSWORD", email: user.email });
      await enqueueMail(tx, { userId: user.id, template: "reset_password", data: { name: user.name, link: `/reset-password?token=${token}` } });
    });
  }
  const rest = RESET_ANSWER_FLOOR_MS - (Date.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  return { sent: true };
}

/**
 * Sets a new password from a reset link and signs out every session (whoever had one, had it with
 * the old password), pending two-factor sign-ins included; the owner is told by mail. Receiving
 * the link proved the address too. Two-factor stays on: a reset link alone never signs in.
 */
export async function resetPassword(ctx: Scope, input: ResetPasswordInput): Promise<{ reset: true }> {
  assertPasswordAllowed(input.password);
  // A dead link is refused before the (deliberately slow) hashing; the transaction spends it.
  if (!(await isLiveAccountToken(ctx.db, "RESET_PASSWORD", input.token))) throw badLink();
  const passwordHash = await hashPassword(input.password);
  await inTransaction(ctx, async (tx, events) => {
    const { userId, email } = await consumeAccountToken(tx, "RESET_PASSWORD", input.token);
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { name: true, email: true, emailVerifiedAt: true } });
    const proves = user.email === email;
    await tx.user.update({
      where: { id: userId },
      data: { passwordHash, ...(proves && !user.emailVerifiedAt ? { emailVerifiedAt: new Date() } : {}) },
    });
    await tx.accountToken.updateMany({ where: { userId, kind: "RESET_PASSWORD", usedAt: null }, data: { usedAt: new Date() } });
    await tx.loginChallenge.deleteMany({ where: { userId } });
    events.revokeSessions(await revokeUserSessions(tx, userId));
    await enqueueMail(tx, { userId, template: "password_changed", data: { name: user.name, ...originOf(ctx) } });
  });
  return { reset: true };
}

/**
 * Moves the account to a new address: the password proves it is the owner asking, the new
 * address must be verified again (a link goes there), and the old address is told, so a hijacker
 * cannot change it quietly. Links sent to the old address stop working.
 */
export async function changeEmail(ctx: AuthedScope, input: ChangeEmailInput): Promise<SessionUser> {
  if (input.email === ctx.user.email) throw badInput("email", "This is already your email address");
  const attempt = await takePasswordCheckAttempt(ctx.deps.limits, ctx.user.id, ctx.ip);
  const { passwordHash } = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { passwordHash: true } });
  if (!(await verifyPassword(passwordHash, input.password))) throw badInput("password", "The password is wrong");
  await attempt.succeeded();
  const oldEmail = ctx.user.email;
  return inTransaction(ctx, async (tx) => {
    const updated = await tx.user.update({ where: { id: ctx.user.id }, data: { email: input.email, emailVerifiedAt: null }, select: sessionUserSelect });
    await tx.accountToken.updateMany({ where: { userId: ctx.user.id, usedAt: null }, data: { usedAt: new Date() } });
    await enqueueMail(tx, {
      userId: ctx.user.id,
      to: oldEmail,
      template: "email_changed",
      data: { name: updated.name, newEmail: updated.email, ...originOf(ctx) },
    });
    await sendVerification(tx, updated);
    return toSessionUser(updated);
  }).catch((err: unknown) => {
    if (isUniqueViolation(err)) throw badInput("email", "This email cannot be used. If it is yours, sign in with it instead.");
    throw err;
  });
}
