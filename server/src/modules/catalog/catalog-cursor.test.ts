import { describe, expect, it } from "vitest";
import { DomainError } from "../../lib/errors.ts";
import { decodeSearchCursor, encodeSearchCursor, queryFingerprint } from "./catalog-cursor.ts";

const rejects = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: "BAD_REQUEST", fieldErrors: { cursor: [expect.any(String)] } });
    return;
  }
  throw new Error("expected a BAD_REQUEST");
};

describe("search cursors", () => {
  it("round-trip every sort's keys exactly, floats included", () => {
    const cases = [
      { s: "newest", k: [Date.UTC(2026, 10, 27, 12, 0, 0, 123)], id: "a1" },
      { s: "price_asc", k: [2499], id: "b2" },
      { s: "price_desc", k: [0], id: "c3" },
      { s: "rating", k: [10 / 3, 7], id: "d4" },
      { s: "relevance", k: [1, 0.10000000149011612], id: "e5", q: queryFingerprint("mug") },
    ] as const;
    for (const c of cases) {
      const decoded = decodeSearchCursor(encodeSearchCursor({ ...c, k: [...c.k] }), c.s, "mug");
      expect(decoded).toEqual(c);
    }
    expect(decodeSearchCursor(undefined, "newest", null)).toBeNull();
  });

  it("refuse garbage, wrong shapes, another sort and another query", () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    rejects(() => decodeSearchCursor("%%%", "newest", null));
    rejects(() => decodeSearchCursor(enc("text"), "newest", null));
    rejects(() => decodeSearchCursor(enc({ s: "newest", k: [1], id: "" }), "newest", null));
    rejects(() => decodeSearchCursor(enc({ s: "newest", k: [1, 2], id: "x" }), "newest", null));
    rejects(() => decodeSearchCursor(enc({ s: "newest", k: ["1"], id: "x" }), "newest", null));
    rejects(() => decodeSearchCursor(enc({ s: "newest", k: [9e15], id: "x" }), "newest", null));
    rejects(() => decodeSearchCursor(enc({ s: "price_asc", k: [1.5], id: "x" }), "price_asc", null));
    rejects(() => decodeSearchCursor(enc({ s: "cheapest", k: [1], id: "x" }), "price_asc", null));
    rejects(() => decodeSearchCursor(enc({ s: "price_asc", k: [1], id: "x" }), "price_desc", null));
    const relevance = encodeSearchCursor({ s: "relevance", k: [0, 0.5], id: "x", q: queryFingerprint("mug") });
    expect(decodeSearchCursor(relevance, "relevance", "mug")).not.toBeNull();
    rejects(() => decodeSearchCursor(relevance, "relevance", "bowl"));
  });

  it("SECURITY 38: keys and ids outside what the statement's casts take are BAD_REQUEST, not a 500", () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    // Times outside years 1–9999 (year 300000, ±8.64e15 ms: the largest Dates, which PostgreSQL
    // reads as "+275760-…" or 271821 BC and refuses), ints past int4, ids PostgreSQL cannot hold.
    for (const k of [8.64e15, -8.64e15, 253_402_300_800_000, -62_135_596_800_001, 9.3e15, 1.5]) {
      rejects(() => decodeSearchCursor(enc({ s: "newest", k: [k], id: "x" }), "newest", null));
    }
    for (const k of [2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e21, 0.5]) rejects(() => decodeSearchCursor(enc({ s: "price_asc", k: [k], id: "x" }), "price_asc", null));
    rejects(() => decodeSearchCursor(enc({ s: "rating", k: [4.5, 2 ** 31], id: "x" }), "rating", null));
    rejects(() => decodeSearchCursor(enc({ s: "rating", k: [null, 1], id: "x" }), "rating", null)); // NaN and Infinity become null in JSON
    for (const id of ["a\u0000b", "\uD800", "x".repeat(65)]) rejects(() => decodeSearchCursor(enc({ s: "newest", k: [0], id }), "newest", null));
    // At the edges, and floats a float8 holds: accepted.
    for (const k of [-62_135_596_800_000, 253_402_300_799_999, -0]) expect(decodeSearchCursor(enc({ s: "newest", k: [k], id: "x" }), "newest", null)).not.toBeNull();
    for (const avg of [1e308, 5e-324, -0]) expect(decodeSearchCursor(enc({ s: "rating", k: [avg, 2 ** 31 - 1], id: "x" }), "rating", null)).not.toBeNull();
  });
});
