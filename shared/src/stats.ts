import { z } from "zod";
import { text } from "./common.ts";

/** The dashboards' periods: today, the last 7/30/90 days (today included), or custom days. */
export const STATS_PERIODS = ["today", "7d", "30d", "90d", "custom"] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** The longest custom period, in days (the series has one point per day). */
export const STATS_MAX_DAYS = 366;

const isoDay = text()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a real date");

const dayNumber = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;

/**
 * A period in days of the platform's time zone. `from`/`to` alone mean a custom period (as the
 * contract's `{from?, to?}`); `currency` picks one of the currencies sold in (default: the most sold).
 */
export const statsInput = z
  .strictObject({
    period: z.enum(STATS_PERIODS).optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
    currency: text().trim().regex(/^[A-Za-z]{3}$/, "Use a three-letter currency code").toUpperCase().optional(),
  })
  .superRefine((v, ctx) => {
    const custom = v.period === "custom" || (v.period === undefined && (v.from !== undefined || v.to !== undefined));
    if (!custom) {
      if (v.from !== undefined || v.to !== undefined) ctx.addIssue({ code: "custom", path: ["from"], message: "Only a custom period takes dates" });
      return;
    }
    if (v.from === undefined) ctx.addIssue({ code: "custom", path: ["from"], message: "Required" });
    if (v.to === undefined) ctx.addIssue({ code: "custom", path: ["to"], message: "Required" });
    if (v.from === undefined || v.to === undefined) return;
    const days = dayNumber(v.to) - dayNumber(v.from) + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "Must not be before the start" });
    else if (days > STATS_MAX_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `Use at most ${STATS_MAX_DAYS} days` });
  });
export type StatsInput = z.infer<typeof statsInput>;

/** CSV exports: the same periods. */
export const statsExportInput = statsInput;
