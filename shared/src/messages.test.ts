import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as shared from "./index.ts";
import { leavesOfModule } from "./test/schema-leaves.ts";

/** What zod says when a schema gives no message: written for developers, never shown to people. */
const RAW = /expected|received|Too (big|small)|Invalid (input|option|string|value)|<=|>=/i;

/**
 * Over-limit answers that rightly name no length: a login's password says no more than a wrong one,
 * and a pasted link or code over its length is not a real one (its length is nothing to act on).
 */
const LIMIT_UNNAMED_ON_PURPOSE = new Set(["Wrong email or password", "This link is invalid", "This is not a recovery code", "This is not a code"]);

function messagesFor(schema: z.core.$ZodType, values: unknown[]): z.core.$ZodIssue[] {
  return values.flatMap((v) => {
    const r = z.safeParse(schema, v);
    return r.success ? [] : r.error.issues;
  });
}

describe("every limit has a message people can read", () => {
  it("no field of any shared input schema answers with zod's own words, and an over-limit message names the limit", () => {
    const leaves = leavesOfModule(shared, ["string", "number", "array"]);
    expect(leaves.length).toBeGreaterThan(60);
    const raw: string[] = [];
    const unnamed: string[] = [];
    for (const [path, schema] of leaves) {
      const odd = ["", "x", "x".repeat(100_001), -1e15, 1e15, 0.5, 2 ** 64, null, true, Array.from({ length: 1001 }, () => "x")];
      for (const issue of messagesFor(schema, odd)) {
        if (RAW.test(issue.message)) raw.push(`${path}: ${issue.message}`);
        // (A number past 2^53 trips the integer check's own range, reported with its message.)
        if (issue.code === "too_big" && Number(issue.maximum) < Number.MAX_SAFE_INTEGER && !/\d/.test(issue.message) && !LIMIT_UNNAMED_ON_PURPOSE.has(issue.message)) unnamed.push(`${path}: ${issue.message}`);
      }
    }
    expect(raw).toEqual([]);
    expect(unnamed).toEqual([]);
  });

  it("names the limit of a price, a stock, a title and a quantity", () => {
    const variant = { sku: "A-1", title: "Standard", priceCents: 9_999_999_999_900, stock: 5_000_000 };
    const r = shared.productCreateInput.safeParse({ title: "t".repeat(5000), categoryId: "c", variants: [variant] });
    const byPath = Object.fromEntries(r.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath).toMatchObject({
      title: "Use at most 140 characters",
      "variants.0.priceCents": "A price can be at most 1,000,000.00",
      "variants.0.stock": "Stock can be at most 1,000,000 units",
    });
    expect(shared.cartUpdateInput.safeParse({ variantId: "v", quantity: 500 }).error!.issues[0]!.message).toBe("At most 99 of one item per order");
  });

  it("gives plain words for checks written without a message", () => {
    const s = z.object({ n: z.number().int().max(1_000_000), s: z.string().min(3).max(5), a: z.array(z.string()).max(2) });
    const m = (v: unknown) => s.safeParse(v).error!.issues.map((i) => i.message);
    expect(m({ n: 2_000_000, s: "abcdef", a: ["a", "b", "c"] })).toEqual(["Enter 1,000,000 or less", "Use at most 5 characters", "At most 2 allowed"]);
    expect(m({ n: 1.5, s: "ab", a: [] })).toEqual(["Enter a whole number", "Use at least 3 characters"]);
    expect(m({})).toEqual(["Required", "Required", "Required"]);
  });
});
