import { describe, expect, it } from "vitest";
import { changePct, eachDay, localDate, monthsOf, resolvePeriod, wholeMonthsOf } from "./period.ts";

describe("dashboard periods", () => {
  const now = new Date("2026-03-01T02:30:00Z");

  it("end today in the platform's time zone, today included", () => {
    expect(resolvePeriod({ period: "today" }, "UTC", now)).toMatchObject({ from: "2026-03-01", to: "2026-03-01", days: 1, previous: { from: "2026-02-28", to: "2026-02-28" } });
    // 02:30 UTC is still the last day of February in New York.
    expect(resolvePeriod({ period: "7d" }, "America/New_York", now)).toMatchObject({ from: "2026-02-22", to: "2026-02-28", days: 7, previous: { from: "2026-02-15", to: "2026-02-21" } });
    expect(resolvePeriod({}, "UTC", now)).toMatchObject({ from: "2026-01-31", to: "2026-03-01", days: 30 });
  });

  it("take custom days as given, across a leap day", () => {
    expect(resolvePeriod({ from: "2028-02-27", to: "2028-03-01" }, "UTC", now)).toMatchObject({ days: 4, previous: { from: "2028-02-23", to: "2028-02-26" } });
    expect(eachDay({ from: "2028-02-28", to: "2028-03-01" })).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
  });

  it("give the change in percent, none from nothing", () => {
    expect(changePct(150, 100)).toBe(50);
    expect(changePct(1, 3)).toBe(-66.7);
    expect(changePct(5, 0)).toBeNull();
    expect(changePct(0, 0)).toBe(0);
    // -0.04 % rounds to 0, without the sign (Object.is tells -0 from 0).
    expect(Object.is(changePct(5286, 5288), 0)).toBe(true);
    expect(localDate(new Date("2026-07-01T23:30:00Z"), "Asia/Tokyo")).toBe("2026-07-02");
  });

  it("split a span into the months it touches, and into whole months and the days at its ends", () => {
    expect(monthsOf({ from: "2026-11-20", to: "2027-01-02" })).toEqual(["2026-11-01", "2026-12-01", "2027-01-01"]);
    // 90 days ending 2026-12-07: September's end, October and November whole, December's first week.
    expect(wholeMonthsOf({ from: "2026-09-09", to: "2026-12-07" })).toEqual({
      months: ["2026-10-01", "2026-11-01"],
      days: [{ from: "2026-09-09", to: "2026-09-30" }, { from: "2026-12-01", to: "2026-12-07" }],
    });
    expect(wholeMonthsOf({ from: "2028-02-01", to: "2028-02-29" })).toEqual({ months: ["2028-02-01"], days: [] });
    expect(wholeMonthsOf({ from: "2026-03-01", to: "2026-04-03" })).toEqual({ months: ["2026-03-01"], days: [{ from: "2026-04-01", to: "2026-04-03" }] });
    expect(wholeMonthsOf({ from: "2026-03-02", to: "2026-03-31" })).toEqual({ months: [], days: [{ from: "2026-03-02", to: "2026-03-31" }] });
  });
});
