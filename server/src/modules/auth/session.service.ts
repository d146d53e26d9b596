import { createHash, randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/client.ts";
import type { SessionUser } from "../../scope.ts";

/** Tokens are 256 random bits; the database keeps only their SHA-256, so a leaked table opens nothing. */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Refresh `last_seen_at` at most this often, so reads do not each write. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

interface SessionRow {
  id: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date;
  user: SessionUser;
}

/**
 * The signed-in user behind a token, or null for an unknown, expired, revoked or banned one.
 * Every signed-in request and socket handshake asks this, so it is one statement (session and
 * user joined) rather than Prisma's two.
 */
export async function resolveSession(db: Db, token: string): Promise<{ id: string; user: SessionUser } | null> {
  const [session] = await db.$queryRaw<SessionRow[]>`
    SELECT s."id", s."expires_at" AS "expiresAt", s."revoked_at" AS "revokedAt", s."last_seen_at" AS "lastSeenAt",
           json_build_object('id', u."id", 'email', u."email", 'name', u."name", 'role', u."role", 'status', u."status",
                             'emailVerified', u."email_verified_at" IS NOT NULL,
                             'twoFactorEnabled', u."two_factor_enabled_at" IS NOT NULL) AS "user"
    FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
    WHERE s."token_hash" = ${hashToken(token)}`;
  const now = Date.now();
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now) return null;
  if (session.user.status !== "ACTIVE") return null;
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(now) } });
  }
  return { id: session.id, user: session.user };
}

export async function createSession(
  tx: Db | Tx,
  userId: string,
  meta: { ip: string; userAgent: string | null; ttlDays: number },
) {
  const { token, tokenHash } = newSessionToken();
  const expiresAt = new Date(Date.now() + meta.ttlDays * 86_400_000);
  const session = await tx.session.create({
    data: { userId, tokenHash, ip: meta.ip, userAgent: meta.userAgent, expiresAt },
    select: { id: true },
  });
  return { id: session.id, token, expiresAt };
}

/** Revokes the user's live sessions (all, or all but one); returns the ids revoked. */
export async function revokeUserSessions(tx: Db | Tx, userId: string, exceptId?: string): Promise<string[]> {
  const live = await tx.session.findMany({
    where: { userId, revokedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  const ids = live.map((s) => s.id);
  if (ids.length) {
    await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
  }
  return ids;
}
