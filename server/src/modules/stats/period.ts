import type { StatsInput } from "@marketplace/shared";

/** A span of whole days (ISO dates, both included) in the platform's time zone. */
export interface DaySpan {
  from: string;
  to: string;
}

export interface ResolvedPeriod extends DaySpan {
  days: number;
  /** The span of the same length just before, for the change in percent. */
  previous: DaySpan;
  timeZone: string;
}

const DAY_MS = 86_400_000;
const PERIOD_DAYS = { today: 1, "7d": 7, "30d": 30, "90d": 90 } as const;

/** The date it is at `at` in `timeZone` (YYYY-MM-DD). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** `day` moved by `n` days (calendar arithmetic: no time zone involved). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day of the span, in order. */
export function eachDay(span: DaySpan): string[] {
  const out: string[] = [];
  for (let d = span.from; d <= span.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The days a dashboard input asks for: a named period ends today (in the platform's time zone)
 * and includes it; a custom one is taken as given (the input schema bounds it). Default: 30 days.
 */
export function resolvePeriod(input: StatsInput, timeZone: string, now = new Date()): ResolvedPeriod {
  let from: string;
  let to: string;
  if (input.from !== undefined && input.to !== undefined) {
    from = input.from;
    to = input.to;
  } else {
    const named = input.period && input.period !== "custom" ? input.period : "30d";
    to = localDate(now, timeZone);
    from = addDays(to, 1 - PERIOD_DAYS[named]);
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  return { from, to, days, previous: { from: addDays(from, -days), to: addDays(from, -1) }, timeZone };
}

/** The change from `previous` to `value` in percent (one decimal); null when there was nothing before. */
export function changePct(value: number, previous: number): number | null {
  if (previous === 0) return value === 0 ? 0 : null;
  return Math.round(((value - previous) / Math.abs(previous)) * 1000) / 10;
}
