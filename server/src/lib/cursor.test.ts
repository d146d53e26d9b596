import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.ts";
import { decodeCursor, encodeCursor, newestFirst } from "./cursor.ts";

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
