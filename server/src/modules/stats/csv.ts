/**
 * CSV for spreadsheets (RFC 4180, CRLF line ends). Text that a spreadsheet would run as a formula
 * (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's list) is written with a
 * leading `'`, so a product title like `=HYPERLINK(…)` stays text. Numbers and money are ours and
 * are written as they are (a refund's `-12.50` must stay a number).
 */
export type CsvCell = string | number | Date | null | Money;

/** Minor units written as a decimal in the currency's own digits: 1250 USD → `12.50`, 500 JPY → `500`. */
export class Money {
  constructor(
    readonly minor: number,
    readonly currency: string,
  ) {}
  toString(): string {
    const digits = fractionDigits(this.currency);
    const sign = this.minor < 0 ? "-" : "";
    const abs = Math.abs(this.minor);
    if (digits === 0) return `${sign}${abs}`;
    const unit = 10 ** digits;
    return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, "0")}`;
  }
}

const digitsCache = new Map<string, number>();
function fractionDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text defused and quoted when needed; numbers, money and instants (ISO 8601, UTC) as they are. */
export function csvCell(value: CsvCell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (value instanceof Money) return value.toString();
  if (value instanceof Date) return value.toISOString();
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly CsvCell[]) => `${cells.map(csvCell).join(",")}\r\n`;
