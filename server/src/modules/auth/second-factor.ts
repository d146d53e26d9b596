import type { Tx } from "../../db/client.ts";
import { hashRecoveryCode, normalizeRecoveryCode } from "./recovery-codes.ts";
import { matchTotp } from "./totp.ts";

/**
 * Checks a second factor and spends it, inside the caller's transaction. A TOTP code is accepted
 * only for a time step later than the last one accepted (the guarded update decides, so two
 * requests racing with one code get one success): a code seen over a shoulder or replayed within
 * its 30 seconds is refused. A recovery code is marked used by the same kind of guarded update.
 */
export async function spendTotpCode(tx: Tx, userId: string, secret: string, code: string, now = new Date()): Promise<boolean> {
  const step = await matchTotp(secret, code, now);
  if (step === null) return false;
  const { count } = await tx.user.updateMany({
    where: { id: userId, OR: [{ twoFactorLastStep: null }, { twoFactorLastStep: { lt: step } }] },
    data: { twoFactorLastStep: step },
  });
  return count === 1;
}

export async function spendRecoveryCode(tx: Tx, userId: string, typed: string, now = new Date()): Promise<boolean> {
  const normalized = normalizeRecoveryCode(typed);
  if (!normalized) return false;
  const { count } = await tx.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(normalized), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1;
}

/** A code from the app (six digits) or, failing the shape, a recovery code. */
export function spendAnyCode(tx: Tx, userId: string, secret: string, code: string): Promise<boolean> {
  const compact = code.replace(/\s/g, "");
  return /^\d{6}$/.test(compact) ? spendTotpCode(tx, userId, secret, compact) : spendRecoveryCode(tx, userId, code);
}
