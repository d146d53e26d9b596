import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as shared from "./index.ts";
import { isStorableText, text, UNSTORABLE_TEXT_MESSAGE } from "./common.ts";
import { leavesOfModule } from "./test/schema-leaves.ts";

describe("SECURITY 38: text that PostgreSQL cannot store is a field error", () => {
  it("isStorableText refuses NUL and lone surrogate halves, and keeps pairs, emoji and other controls", () => {
    for (const bad of ["\u0000", "a\u0000b", "\uD800", "x\uDBFFy", "\uDC00", "\uDE00\uD83D"]) expect(isStorableText(bad)).toBe(false);
    for (const good of ["", "mug", "😀", "\uD83D\uDE00", "tab\there", "\u0001\u001f\u007f", "\uFFFE\uFFFF", "日本語"]) expect(isStorableText(good)).toBe(true);
  });

  it("text() keeps zod's string methods and reports one message", () => {
    const name = text().trim().min(2).max(5);
    expect(name.parse("  ab ")).toBe("ab");
    const result = name.safeParse("\u0000");
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toEqual([UNSTORABLE_TEXT_MESSAGE]);
  });

  it("SECURITY 38: every string of every shared input schema refuses NUL bytes and lone surrogates", () => {
    const strings = leavesOfModule(shared, ["string"]);
    // Enough to mean the walk found the schemas (names, addresses, search text, ids, cursors…).
    expect(strings.length).toBeGreaterThan(40);
    const missing = strings
      .filter(([, s]) => ["\u0000", "ab\u0000cd", "ab\uD800cd"].some((bad) => {
        const r = z.safeParse(s, bad);
        return r.success || !r.error.issues.some((i) => i.message === UNSTORABLE_TEXT_MESSAGE);
      }))
      .map(([path]) => path);
    expect(missing).toEqual([]);
  });

  it("a NUL inside an object is a field error at its own path", () => {
    const r = shared.shippingAddressSchema.safeParse({ name: "A\u0000", line1: "1 Main St", city: "Town", postalCode: "12345", country: "US" });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toMatchObject([{ path: ["name"], message: UNSTORABLE_TEXT_MESSAGE }]);
    expect(shared.catalogSearchInput.safeParse({ q: "mug\u0000" }).error?.issues[0]?.path).toEqual(["q"]);
    expect(shared.registerInput.safeParse({ email: "a\u0000@b.test", password: "long-enough", name: "A" }).error?.issues[0]?.path).toEqual(["email"]);
  });
});
