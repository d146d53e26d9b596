import type { LoginInput, RegisterInput } from "@marketplace/shared";
import { DomainError, badInput, forbidden } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { Scope, SessionUser } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { assertRegisterAllowed, takeLoginAttempt } from "./login-throttle.ts";
import { burnPasswordCheck, hashPassword, isCommonPassword, needsRehash, verifyPassword } from "./password.ts";
import { createSession } from "./session.service.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { createLoginChallenge } from "./login-challenge.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { sendVerification } from "./account-links.service.ts";
import { originOf } from "./origin.ts";

export const sessionUserSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  status: true,
  emailVerifiedAt: true,
  twoFactorEnabledAt: true,
} as const satisfies Prisma.UserSelect;

type SessionUserRow = Prisma.UserGetPayload<{ select: typeof sessionUserSelect }>;

/** The signed-in user as procedures see it (and `auth.me` returns it): flags, not timestamps. */
export function toSessionUser({ emailVerifiedAt, twoFactorEnabledAt, ...user }: SessionUserRow): SessionUser {
  return { ...user, emailVerified: emailVerifiedAt !== null, twoFactorEnabled: twoFactorEnabledAt !== null };
}

/** A user just signed in, and the session whose token the browser must now hold. */
export interface SignedIn {
  user: SessionUser;
  session: { token: string; expiresAt: Date };
}

/** One message for unknown email and wrong password alike (no account enumeration). */
const BAD_CREDENTIALS = "Wrong email or password";

export function assertPasswordAllowed(password: string, field = "password"): void {
  if (isCommonPassword(password)) {
    throw badInput(field, "This password is too common: choose one that is harder to guess");
  }
}

/** Creates a buyer account and signs it in: the caller hands the new session to the browser. */
export async function register(ctx: Scope, input: RegisterInput): Promise<SignedIn> {
  await assertRegisterAllowed(ctx.deps.limits, ctx.ip);
  assertPasswordAllowed(input.password);
  // Hash before looking the email up, so a taken address answers no faster than a new one.
  const passwordHash = await hashPassword(input.password);
  const taken = await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (taken) {
    // Registering signs in at once, so a taken address cannot be hidden from the registrant;
    // the message says no more than it must and the per-IP limit slows probing.
    throw badInput("email", "This email cannot be used to register. If it is yours, sign in instead.");
  }
  const { user, session } = await inTransaction(ctx, async (tx, events) => {
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash },
      select: sessionUserSelect,
    });
    await recordActivity(tx, events, {
      kind: "user.registered",
      summary: `${user.name} signed up`,
      actorId: user.id,
      subject: { type: "user", id: user.id },
    });
    const session = await createSession(tx, user.id, {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      ttlDays: ctx.deps.config.SESSION_TTL_DAYS,
    });
    await sendVerification(tx, user);
    return { user: toSessionUser(user), session };
  }).catch((err: unknown) => {
    // Two sign-ups racing for one address: the unique index decides.
    if (isUniqueViolation(err)) {
      throw badInput("email", "This email cannot be used to register. If it is yours, sign in instead.");
    }
    throw err;
  });
  return { user, session };
}

/** A right password on an account with two-factor: no session yet, a challenge for the code. */
export interface TwoFactorRequired {
  twoFactorRequired: true;
  /** The pending sign-in's token, for its own cookie (see `login-challenge.ts`). */
  challenge: { token: string; expiresAt: Date };
}

/**
 * Signs in with a fresh session (the one presented, if any, is revoked: rotation at login); the
 * caller hands the new session to the browser. With two-factor on, a right password yields no
 * session but a pending challenge that `auth.loginTwoFactor` exchanges, with a code, for one.
 */
export async function login(ctx: Scope, input: LoginInput): Promise<SignedIn | TwoFactorRequired> {
  // The attempt is counted before any hashing, so concurrent guesses cannot outrun the limit.
  const attempt = await takeLoginAttempt(ctx.deps.limits, input.email, ctx.ip);
  const found = await ctx.db.user.findUnique({
    where: { email: input.email },
    select: { ...sessionUserSelect, passwordHash: true },
  });
  if (!found) {
    await burnPasswordCheck(input.password);
    throw new DomainError("UNAUTHORIZED", BAD_CREDENTIALS);
  }
  if (!(await verifyPassword(found.passwordHash, input.password))) {
    throw new DomainError("UNAUTHORIZED", BAD_CREDENTIALS);
  }
  await attempt.succeeded();
  if (found.status !== "ACTIVE") throw forbidden("This account is suspended");
  const { passwordHash, ...row } = found;
  const user = toSessionUser(row);
  const rehash = needsRehash(passwordHash) ? await hashPassword(input.password) : null;
  if (user.twoFactorEnabled) {
    const challenge = await inTransaction(ctx, async (tx) => {
      if (rehash) await tx.user.update({ where: { id: user.id }, data: { passwordHash: rehash } });
      return createLoginChallenge(tx, user.id);
    });
    return { twoFactorRequired: true, challenge };
  }
  const session = await inTransaction(ctx, async (tx, events) => {
    if (rehash) await tx.user.update({ where: { id: user.id }, data: { passwordHash: rehash } });
    // Without two-factor a password is all it takes: a sign-in from a browser this account has
    // never used is told to its owner (an account never signed in to has no usual browser yet).
    const used = await tx.session.findFirst({ where: { userId: user.id }, select: { id: true } });
    const seen = await tx.session.findFirst({ where: { userId: user.id, userAgent: ctx.userAgent }, select: { id: true } });
    if (used && !seen) await enqueueMail(tx, { userId: user.id, template: "new_sign_in", data: { name: user.name, ...originOf(ctx) } });
    return openSession(ctx, tx, events, user.id);
  });
  return { user, session };
}

/**
 * A new session for a user who has proved who they are, in the caller's transaction; the session
 * the request presented, if any, is revoked (rotation at sign-in).
 */
export async function openSession(ctx: Scope, tx: Tx, events: EventBuffer, userId: string): Promise<SignedIn["session"]> {
  if (ctx.sessionId) {
    await tx.session.updateMany({ where: { id: ctx.sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
    events.revokeSessions([ctx.sessionId]);
  }
  return createSession(tx, userId, { ip: ctx.ip, userAgent: ctx.userAgent, ttlDays: ctx.deps.config.SESSION_TTL_DAYS });
}

/** Revokes the current session (its cookie is the caller's to clear). */
export async function logout(ctx: Scope): Promise<void> {
  if (!ctx.sessionId) return;
  const sessionId = ctx.sessionId;
  await inTransaction(ctx, async (tx, events) => {
    await tx.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
    events.revokeSessions([sessionId]);
  });
}

export async function me(ctx: Scope): Promise<SessionUser | null> {
  return ctx.user;
}
