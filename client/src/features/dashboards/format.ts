import { formatMoney } from "../../lib/format.ts";

/** How a dashboard number reads: money (minor units, in its currency), a count, a percent, a rating. */
export type FigureKind = "money" | "money-short" | "count" | "percent" | "rating";

const count = new Intl.NumberFormat(undefined);
const compactMoney = new Map<string, Intl.NumberFormat>();
const percent = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const rating = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 2 });

/** One number as the reader's locale writes it. */
export function formatFigure(value: number, kind: FigureKind, currency: string): string {
  if (kind === "money") return formatMoney(value, currency);
  if (kind === "money-short") {
    let fmt = compactMoney.get(currency);
    if (!fmt) {
      fmt = new Intl.NumberFormat(undefined, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
      compactMoney.set(currency, fmt);
    }
    const digits = new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(value / 10 ** digits);
  }
  if (kind === "percent") return `${percent.format(value)} %`;
  if (kind === "rating") return value ? `${rating.format(value)} ★` : "–";
  return count.format(value);
}

/** A change in percent with its sign ("+12.5 %", "−3 %"), or a dash when there was nothing before. */
export function formatChange(pct: number | null): string {
  if (pct === null) return "new";
  if (pct === 0) return "±0 %";
  return `${pct > 0 ? "+" : "−"}${percent.format(Math.abs(pct))} %`;
}

// The days are calendar days of the platform's time zone: read them as UTC so no zone moves them.
const dayLong = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const dayShort = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

export const formatDay = (day: string) => dayLong.format(asDate(day));
export const formatDayShort = (day: string) => dayShort.format(asDate(day));
