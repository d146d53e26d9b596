import { createHash, randomBytes } from "node:crypto";

/**
 * Two-factor recovery codes: for the day the phone is lost. Each is 80 random bits written as 16
 * characters of Crockford's base32 in four groups (`7k2m-q9xd-…`), easy to copy from paper. So
 * much randomness makes a plain SHA-256 enough to store them (as with session tokens): there is
 * no small space of likely codes to try against a leaked table.
 */
export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/**
 * The canonical form of a typed code: case, spaces and dashes ignored, and the letters Crockford's
 * alphabet leaves out read as the digits they look like (o → 0, i and l → 1). Null when what is
 * left cannot be a code.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const s = typed.toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return /^[0-9a-hjkmnp-tv-z]{16}$/.test(s) ? s : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash("sha256").update(`recovery:${normalized}`).digest("hex");
}

/** Ten new codes to show once, and the hashes to store. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: count }, () => base32(randomBytes(10)).replace(/(.{4})(?!$)/g, "$1-"));
  return { codes, hashes: codes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!)) };
}
