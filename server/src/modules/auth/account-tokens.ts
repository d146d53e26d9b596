import { randomBytes } from "node:crypto";
import type { Db, Tx } from "../../db/client.ts";
import type { AccountTokenKind } from "../../generated/prisma/enums.ts";
import { DomainError } from "../../lib/errors.ts";
import { hashToken } from "./session.service.ts";

/**
 * The tokens in the links we mail (verify an address, reset a password): 256 random bits in the
 * link, only their SHA-256 in the database, each used once and only before it expires. A reset
 * link is short-lived because whoever holds it takes the account.
 */
export const TOKEN_LIFETIME_MS: Record<AccountTokenKind, number> = {
  VERIFY_EMAIL: 48 * 3_600_000,
  RESET_PASSWORD: 30 * 60_000,
};

/** One message for a link that is unknown, altered, used, expired or of the other kind. */
export const BAD_LINK = "This link is invalid, was already used or has expired. Ask for a new one.";

/**
 * A new link token for `userId`, proving `email`. The user's earlier unused tokens of that kind
 * are spent at once: only the newest link works.
 */
export async function issueAccountToken(
  tx: Tx,
  opts: { userId: string; kind: AccountTokenKind; email: string; now?: Date },
): Promise<string> {
  const now = opts.now ?? new Date();
  await tx.accountToken.updateMany({
    where: { userId: opts.userId, kind: opts.kind, usedAt: null },
    data: { usedAt: now },
  });
  const token = randomBytes(32).toString("base64url");
  await tx.accountToken.create({
    data: {
      userId: opts.userId,
      kind: opts.kind,
      email: opts.email,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[opts.kind]),
    },
  });
  return token;
}

/**
 * Spends a link token of `kind`: the user and address it was issued for, or BAD_REQUEST. The
 * guarded update makes two requests racing with one link spend it once.
 */
export async function consumeAccountToken(
  tx: Tx,
  kind: AccountTokenKind,
  token: string,
  now = new Date(),
): Promise<{ userId: string; email: string }> {
  const row = await tx.accountToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, email: true, kind: true },
  });
  if (!row || row.kind !== kind) throw badLink();
  const { count } = await tx.accountToken.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw badLink();
  return { userId: row.userId, email: row.email };
}

/** Whether a token could be spent now (no side effect): lets a caller refuse early, before slow work. */
export async function isLiveAccountToken(db: Db | Tx, kind: AccountTokenKind, token: string, now = new Date()): Promise<boolean> {
  const row = await db.accountToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { kind: true, usedAt: true, expiresAt: true } });
  return !!row && row.kind === kind && !row.usedAt && row.expiresAt > now;
}

export function badLink(): DomainError {
  return new DomainError("BAD_REQUEST", BAD_LINK, { token: [BAD_LINK] });
}
