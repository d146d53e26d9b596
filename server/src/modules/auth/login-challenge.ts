import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/client.ts";
import { hashToken } from "./session.service.ts";

/**
 * A sign-in halfway: the password was right, the two-factor code is still due. Its token (held in
 * a cookie of its own, never the session cookie) opens nothing: `resolveSession` does not know
 * this table, so no procedure and no socket sees a user behind it; only `auth.loginTwoFactor`
 * exchanges it, with a code, for a session. It lasts five minutes.
 */
export const LOGIN_CHALLENGE_TTL_MS = 5 * 60_000;

export async function createLoginChallenge(tx: Db | Tx, userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + LOGIN_CHALLENGE_TTL_MS);
  // Expired challenges of this user are dropped as new ones come, so the table stays small.
  await tx.loginChallenge.deleteMany({ where: { userId, expiresAt: { lte: now } } });
  await tx.loginChallenge.create({ data: { userId, tokenHash: hashToken(token), expiresAt }, select: { id: true } });
  return { token, expiresAt };
}

/** The live challenge behind a token, or null (unknown, altered or expired). */
export async function findLoginChallenge(db: Db | Tx, token: string, now = new Date()): Promise<{ id: string; userId: string } | null> {
  const row = await db.loginChallenge.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, userId: true, expiresAt: true } });
  return row && row.expiresAt > now ? { id: row.id, userId: row.userId } : null;
}
