import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";

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
});
