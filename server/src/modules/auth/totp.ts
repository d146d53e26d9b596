import { generate, generateSecret, generateURI, verify } from "otplib";
import { renderSVG } from "uqr";

/**
 * Time-based one-time codes (RFC 6238: 30-second steps, 6 digits, HMAC-SHA-1), the kind every
 * authenticator app reads from an `otpauth://` QR code.
 */
export const TOTP_PERIOD_SECONDS = 30;

/**
 * Codes of the step before and after the current one are accepted too: a phone's clock drifts,
 * and a code typed at the end of its 30 seconds arrives in the next step.
 */
const DRIFT_SECONDS = TOTP_PERIOD_SECONDS;

const ISSUER = "Bazaar";

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 as apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/…` URI an authenticator app adds the account from. */
export function totpUri(secret: string, accountName: string): string {
  return generateURI({ issuer: ISSUER, label: accountName, secret });
}

/** The URI as a QR code, an SVG image in a data URL the page shows with a plain `<img>`. */
export function totpQrDataUrl(uri: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(renderSVG(uri, { border: 2 })).toString("base64")}`;
}

/** The time step (30-second period since the epoch) a moment falls in. */
export function timeStepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step whose code `code` is, within one step of `at`, or null when it is no valid
 * code. The caller must still refuse a step already used (a replay): see `two-factor.service.ts`.
 */
export async function matchTotp(secret: string, code: string, at = new Date()): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: DRIFT_SECONDS,
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** The code of a secret at a moment: what an authenticator app shows (tests and the set-up page's checks). */
export function totpCode(secret: string, at = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}
