import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.ts";
import { CURSOR_MS_MAX, CURSOR_MS_MIN, decodeCursor, encodeCursor, newestFirst } from "./cursor.ts";

describe("keyset cursors", () => {
  it("round-trip", () => {
    const c = { t: 1_764_200_000_000, id: "abc" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(undefined)).toBeNull();
  });

  it("refuse anything they did not make with BAD_REQUEST", () => {
    for (const bad of ["%%%", Buffer.from("[1,2]").toString("base64url"), Buffer.from('{"t":"x","id":1}').toString("base64url")]) {
      expect(() => decodeCursor(bad)).toThrow(DomainError);
    }
  });

  it("page newest first: the rows after a cursor, and a next cursor only when more rows were read", () => {
    const at = (ms: number, id: string) => ({ createdAt: new Date(ms), id });
    const rows = [at(3000, "c"), at(2000, "b"), at(2000, "a")];
    const first = newestFirst.page(rows, 2);
    expect(first.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(first.nextCursor!)).toEqual({ t: 2000, id: "b" });
    expect(newestFirst.page(rows, 3)).toEqual({ items: rows, nextCursor: null });
    expect(newestFirst.after(undefined)).toEqual({});
    expect(newestFirst.after(first.nextCursor!)).toEqual({
      AND: [{ OR: [{ createdAt: { lt: new Date(2000) } }, { createdAt: new Date(2000), id: { lt: "b" } }] }],
    });
  });
});

describe("SECURITY 38: cursors are input", () => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const badRequest = (fn: () => unknown) =>
    expect(fn).toThrow(expect.objectContaining({ kind: "BAD_REQUEST", fieldErrors: { cursor: [expect.any(String)] } }));

  it("SECURITY 38: a cursor whose number, time or id no column can hold is BAD_REQUEST, not a 500", () => {
    // Numbers JSON cannot carry arrive as null; the rest are numbers past what a row ever holds.
    for (const t of [NaN, Infinity, 1e20, -1e20, 2 ** 53, 0.5, "1", null]) badRequest(() => decodeCursor(enc({ t, id: "a" })));
    for (const id of ["", "x".repeat(65), "a\u0000b", "\uD800", "\uDFFFz", 7, null]) badRequest(() => decodeCursor(enc({ t: 0, id })));
    for (const v of [null, [], "text", 5, { t: 1 }]) badRequest(() => decodeCursor(enc(v)));
    // Integers, but outside years 1–9999: JS Dates and PostgreSQL's timestamptz part ways there.
    for (const t of [8.64e15, 8.64e15 + 1, -8.64e15, 9e15, CURSOR_MS_MAX + 1, CURSOR_MS_MIN - 1, 300_000 * 365 * 86_400_000]) {
      badRequest(() => newestFirst.after(encodeCursor({ t, id: "a" })));
    }
    for (const t of [CURSOR_MS_MIN, CURSOR_MS_MAX, 0, -0, 1_764_200_000_000]) expect(newestFirst.after(encodeCursor({ t, id: "a" }))).toHaveProperty("AND");
  });
});
