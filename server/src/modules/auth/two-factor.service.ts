import type { LoginTwoFactorInput, TwoFactorDisableInput, TwoFactorEnableInput } from "@marketplace/shared";
import { DomainError, badInput, conflict, forbidden } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, Scope } from "../../scope.ts";
import { openSession, sessionUserSelect, toSessionUser, type SignedIn } from "./auth.service.ts";
import { findLoginChallenge } from "./login-challenge.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { originOf } from "./origin.ts";
import { takePasswordCheckAttempt, takeTwoFactorAttempt } from "./login-throttle.ts";
import { verifyPassword } from "./password.ts";
import { newRecoveryCodes } from "./recovery-codes.ts";
import { spendAnyCode, spendRecoveryCode, spendTotpCode } from "./second-factor.ts";
import { revokeUserSessions } from "./session.service.ts";
import { newTotpSecret, totpQrDataUrl, totpUri } from "./totp.ts";

const WRONG_CODE = "That code is not right, or was already used";
const SIGN_IN_EXPIRED = "This sign-in has expired: enter your email and password again";

/** Whether two-factor is on, and how many recovery codes are left (the account page). */
export async function status(ctx: AuthedScope): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  const [user, recoveryCodesLeft] = await Promise.all([
    ctx.db.user.findUniqueOrThrow({ where: { id: ctx.user.id }, select: { twoFactorEnabledAt: true } }),
    ctx.db.recoveryCode.count({ where: { userId: ctx.user.id, usedAt: null } }),
  ]);
  const enabled = user.twoFactorEnabledAt !== null;
  return { enabled, recoveryCodesLeft: enabled ? recoveryCodesLeft : 0 };
}

/**
 * Starts turning two-factor on: a new secret, kept aside until a first code proves the app has
 * it (`enable`). Asking again replaces it, so only the latest QR code works.
 */
export async function setup(ctx: AuthedScope): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
  const secret = newTotpSecret();
  const { count } = await ctx.db.user.updateMany({
    where: { id: ctx.user.id, twoFactorEnabledAt: null },
    data: { twoFactorSecret: secret, twoFactorLastStep: null },
  });
  if (count !== 1) throw conflict("Two-factor sign-in is already on");
  const otpauthUrl = totpUri(secret, ctx.user.email);
  return { secret, otpauthUrl, qrDataUrl: totpQrDataUrl(otpauthUrl) };
}

/**
 * Turns two-factor on with a first code from the app: ten recovery codes are made and returned
 * once (only their hashes are kept), and every other session is signed out, so one opened by
 * whoever knew the password before cannot stay.
 */
export async function enable(ctx: AuthedScope, input: TwoFactorEnableInput): Promise<{ recoveryCodes: string[] }> {
  const attempt = await takeTwoFactorAttempt(ctx.deps.limits, ctx.user.id, ctx.ip);
  const userId = ctx.user.id;
  const codes = await inTransaction(ctx, async (tx, events) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { twoFactorSecret: true, twoFactorEnabledAt: true } });
    if (user.twoFactorEnabledAt) throw conflict("Two-factor sign-in is already on");
    if (!user.twoFactorSecret) throw new DomainError("PRECONDITION_FAILED", "Start the set-up first: scan the QR code");
    if (!(await spendTotpCode(tx, userId, user.twoFactorSecret, input.code))) return null;
    const { count } = await tx.user.updateMany({
      where: { id: userId, twoFactorEnabledAt: null, twoFactorSecret: user.twoFactorSecret },
      data: { twoFactorEnabledAt: new Date() },
    });
    if (count !== 1) throw conflict("The set-up changed meanwhile: scan the new QR code");
    const { codes, hashes } = newRecoveryCodes();
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId, codeHash })) });
    events.revokeSessions(await revokeUserSessions(tx, userId, ctx.sessionId));
    return codes;
  });
  if (!codes) throw badInput("code", WRONG_CODE);
  await attempt.succeeded();
  return { recoveryCodes: codes };
}

/**
 * Turns two-factor off: it takes the password AND a code (from the app, or a recovery code), so
 * neither a stolen session nor a stolen phone alone can remove it. Each check is limited.
 */
export async function disable(ctx: AuthedScope, input: TwoFactorDisableInput): Promise<void> {
  const userId = ctx.user.id;
  const passwordAttempt = await takePasswordCheckAttempt(ctx.deps.limits, userId, ctx.ip);
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { passwordHash: true, twoFactorSecret: true, twoFactorEnabledAt: true },
  });
  if (!(await verifyPassword(user.passwordHash, input.password))) throw badInput("password", "The password is wrong");
  await passwordAttempt.succeeded();
  if (!user.twoFactorEnabledAt || !user.twoFactorSecret) throw conflict("Two-factor sign-in is already off");
  const secret = user.twoFactorSecret;
  const codeAttempt = await takeTwoFactorAttempt(ctx.deps.limits, userId, ctx.ip);
  const done = await inTransaction(ctx, async (tx) => {
    if (!(await spendAnyCode(tx, userId, secret, input.code))) return false;
    await tx.user.update({ where: { id: userId }, data: { twoFactorSecret: null, twoFactorEnabledAt: null, twoFactorLastStep: null } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.loginChallenge.deleteMany({ where: { userId } });
    await enqueueMail(tx, { userId, template: "two_factor_disabled", data: { name: ctx.user.name, ...originOf(ctx) } });
    return true;
  });
  if (!done) throw badInput("code", WRONG_CODE);
  await codeAttempt.succeeded();
}

/**
 * The second sign-in step: the pending challenge (from `auth.login`) and a code from the app or a
 * recovery code become a session. Wrong codes count against the user's and the IP's two-factor
 * budgets; a code or recovery code is spent by its success, and so is the challenge.
 */
export async function completeSignIn(ctx: Scope, pendingToken: string | null, input: LoginTwoFactorInput): Promise<SignedIn> {
  const challenge = pendingToken ? await findLoginChallenge(ctx.db, pendingToken) : null;
  if (!challenge) throw new DomainError("UNAUTHORIZED", SIGN_IN_EXPIRED);
  const attempt = await takeTwoFactorAttempt(ctx.deps.limits, challenge.userId, ctx.ip);
  const signedIn = await inTransaction(ctx, async (tx, events) => {
    const found = await tx.user.findUniqueOrThrow({ where: { id: challenge.userId }, select: { ...sessionUserSelect, twoFactorSecret: true } });
    const { twoFactorSecret: secret, ...row } = found;
    if (!row.twoFactorEnabledAt || !secret) throw new DomainError("UNAUTHORIZED", SIGN_IN_EXPIRED);
    const right =
      "code" in input ? await spendTotpCode(tx, row.id, secret, input.code) : await spendRecoveryCode(tx, row.id, input.recoveryCode);
    if (!right) return null;
    // Spent with the code: a challenge opens one session only, even to two requests racing.
    const { count } = await tx.loginChallenge.deleteMany({ where: { id: challenge.id } });
    if (count !== 1) throw new DomainError("UNAUTHORIZED", SIGN_IN_EXPIRED);
    if (row.status !== "ACTIVE") throw forbidden("This account is suspended");
    return { user: toSessionUser(row), session: await openSession(ctx, tx, events, row.id) };
  });
  if (!signedIn) throw badInput("code" in input ? "code" : "recoveryCode", WRONG_CODE);
  await attempt.succeeded();
  return signedIn;
}
