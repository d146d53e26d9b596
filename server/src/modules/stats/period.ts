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

/** The first day of the month after the one starting on `m` (YYYY-MM-01). */
const nextMonth = (m: string) => {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))];
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, "0")}-01`;
};

/** The first days of the months the span touches. */
export function monthsOf(span: DaySpan): string[] {
  const out: string[] = [];
  for (let m = `${span.from.slice(0, 7)}-01`; m <= span.to; m = nextMonth(m)) out.push(m);
  return out;
}

/**
 * The span as the months it covers whole and the days left at its ends (none, one or two runs):
 * monthly rows of the former and day rows of the latter sum to exactly the span.
 */
export function wholeMonthsOf(span: DaySpan): { months: string[]; days: DaySpan[] } {
  const months = monthsOf(span).filter((m) => m >= span.from && addDays(nextMonth(m), -1) <= span.to);
  if (months.length === 0) return { months, days: [span] };
  const days: DaySpan[] = [];
  if (span.from < months[0]!) days.push({ from: span.from, to: addDays(months[0]!, -1) });
  const end = addDays(nextMonth(months.at(-1)!), -1);
  if (end < span.to) days.push({ from: addDays(end, 1), to: span.to });
  return { months, days };
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

/**
 * The change from `previous` to `value` in percent (one decimal); null when there was nothing before.
 * A fall that rounds to nothing is 0, not -0 (superjson keeps the sign: "-0" on the dashboard).
 */
export function changePct(value: number, previous: number): number | null {
  if (previous === 0) return value === 0 ? 0 : null;
  return Math.round(((value - previous) / Math.abs(previous)) * 1000) / 10 + 0;
}
