/**
 * Formatting for display: money in minor units, dates, user agents. Locale and time zone: the
 * browser's, except on a server-rendered page, where the server and the hydrating browser must
 * write the same characters (a price in another locale is a hydration mismatch): both then use
 * the page's own (fixDisplay, from entry-server.ts and main.ts).
 */

let display: { locale: string | undefined; timeZone: string | undefined } = { locale: undefined, timeZone: undefined };
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Formats everything from now on in this locale and time zone (a server-rendered page's). */
export function fixDisplay(locale: string, timeZone: string): void {
  display = { locale, timeZone };
  moneyFormats.clear();
  dateFormats = null;
}

/** The locale and time zone a server-rendered page is written in. */
export const SERVER_DISPLAY = { locale: "en-US", timeZone: "UTC" } as const;

/** Formats integer minor units (cents) in the given ISO currency, with that currency's decimals. */
export function formatMoney(minor: number, currency: string): string {
  let fmt = moneyFormats.get(currency);
  if (!fmt) {
    try {
      fmt = new Intl.NumberFormat(display.locale, { style: "currency", currency });
    } catch {
      fmt = new Intl.NumberFormat(display.locale, { style: "currency", currency: "USD" });
    }
    moneyFormats.set(currency, fmt);
  }
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(minor / 10 ** digits);
}

/** A count with the locale's grouping ("1,234"). */
export function formatCount(n: number): string {
  return n.toLocaleString(display.locale);
}

/** Like formatMoney, without the decimals of a whole amount: "$10", "$9.99". For labels. */
export function formatMoneyShort(minor: number, currency: string): string {
  const full = formatMoney(minor, currency);
  return minor % 100 === 0 ? full.replace(/[.,]00(?=\D*$)/, "") : full;
}

let dateFormats: { dateTime: Intl.DateTimeFormat; dateOnly: Intl.DateTimeFormat; relative: Intl.RelativeTimeFormat } | null = null;

function dates() {
  dateFormats ??= {
    dateTime: new Intl.DateTimeFormat(display.locale, { dateStyle: "medium", timeStyle: "short", timeZone: display.timeZone }),
    dateOnly: new Intl.DateTimeFormat(display.locale, { dateStyle: "medium", timeZone: display.timeZone }),
    relative: new Intl.RelativeTimeFormat(display.locale, { numeric: "auto" }),
  };
  return dateFormats;
}

export const formatDateTime = (d: Date): string => dates().dateTime.format(d);
export const formatDate = (d: Date): string => dates().dateOnly.format(d);

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 minutes ago", "yesterday"; "just now" under a minute. */
export function formatRelative(d: Date, now: Date = new Date()): string {
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return dates().relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** A short "Chrome on macOS" from a user-agent string; the raw string when nothing matches. */
export function describeUserAgent(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  const browser =
    /Edg\//.test(ua) ? "Edge"
    : /OPR\/|Opera/.test(ua) ? "Opera"
    : /Firefox\//.test(ua) ? "Firefox"
    : /HeadlessChrome/.test(ua) ? "Headless Chrome"
    : /Chrome\/|Chromium\//.test(ua) ? "Chrome"
    : /Safari\//.test(ua) ? "Safari"
    : /curl\//.test(ua) ? "curl"
    : null;
  const os =
    /iPhone|iPad|iPod/.test(ua) ? "iOS"
    : /Android/.test(ua) ? "Android"
    : /Windows/.test(ua) ? "Windows"
    : /Mac OS X|Macintosh/.test(ua) ? "macOS"
    : /CrOS/.test(ua) ? "ChromeOS"
    : /Linux/.test(ua) ? "Linux"
    : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? (ua.length > 60 ? `${ua.slice(0, 57)}…` : ua);
}
