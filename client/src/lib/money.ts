/**
 * Money as people type it. Prices are integer minor units everywhere; a typed "19.99" becomes
 * 1999 by reading the digits, never by `Math.round(19.99 * 100)` on a binary float (which
 * misrounds values such as 1.005 or 4.35).
 */

const MONEY_INPUT = /^(\d{0,9})(?:[.,](\d*))?$/;

/**
 * "12", "12.5", "12.50", "12,50", ".5" → cents (1200, 1250, 1250, 1250, 50). Null for anything else,
 * including more decimals than the currency has ("12.505"), signs and thousands separators.
 */
export function parseMoneyInput(text: string, fractionDigits = 2): number | null {
  const match = MONEY_INPUT.exec(text.trim());
  if (!match) return null;
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  if ((!whole && !fraction) || fraction.length > fractionDigits) return null;
  const scale = 10 ** fractionDigits;
  return Number(whole || "0") * scale + Number(fraction.padEnd(fractionDigits, "0") || "0");
}

/** Cents → the plain decimal string an input shows: 1250 → "12.50", 7 → "0.07". */
export function formatMoneyInput(minor: number, fractionDigits = 2): string {
  if (fractionDigits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(minor));
  const scale = 10 ** fractionDigits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(fractionDigits, "0")}`;
}

/** A whole, non-negative number of units ("12"), or null. */
export function parseCountInput(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}
