import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as shared from "./index.ts";

/** Every string and number schema reachable from a schema, through objects, wrappers, arrays, unions and pipes' inputs. */
function leavesOf(schema: z.core.$ZodType, path: string, out: [string, z.core.$ZodType][], seen = new Set<unknown>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = schema._zod.def;
  switch (def.type) {
    case "string":
    case "number":
      out.push([path, schema]);
      return;
    case "object":
      for (const [key, value] of Object.entries((def as z.core.$ZodObjectDef).shape)) leavesOf(value, `${path}.${key}`, out, seen);
      return;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      leavesOf((def as z.core.$ZodOptionalDef).innerType, path, out, seen);
      return;
    case "array":
      out.push([path, schema]);
      leavesOf((def as z.core.$ZodArrayDef).element, `${path}[]`, out, seen);
      return;
    case "union":
      for (const option of (def as z.core.$ZodUnionDef).options) leavesOf(option, path, out, seen);
      return;
    case "pipe":
      leavesOf((def as z.core.$ZodPipeDef).in, path, out, seen);
      return;
    default:
      return;
  }
}

/** What zod says when a schema gives no message: written for developers, never shown to people. */
const RAW = /expected|received|Too (big|small)|Invalid (input|option|string|value)|<=|>=/i;

const exported = Object.entries(shared as Record<string, unknown>).flatMap(([name, value]) =>
  value instanceof z.ZodType ? [[name, value] as [string, z.ZodType]] : [],
);

function messagesFor(schema: z.core.$ZodType, values: unknown[]): z.core.$ZodIssue[] {
  return values.flatMap((v) => {
    const r = z.safeParse(schema, v);
    return r.success ? [] : r.error.issues;
  });
}

describe("every limit has a message people can read", () => {
  it("no field of any shared input schema answers with zod's own words, and an over-limit message names the limit", () => {
    const leaves: [string, z.core.$ZodType][] = [];
    for (const [name, schema] of exported) leavesOf(schema, name, leaves);
    expect(leaves.length).toBeGreaterThan(60);
    const raw: string[] = [];
    const unnamed: string[] = [];
    for (const [path, schema] of leaves) {
      const odd = ["", "x", "x".repeat(100_001), -1e15, 1e15, 0.5, 2 ** 64, null, true, Array.from({ length: 1001 }, () => "x")];
      for (const issue of messagesFor(schema, odd)) {
        if (RAW.test(issue.message)) raw.push(`${path}: ${issue.message}`);
        // "Wrong email or password": a password too long for a login says no more than a wrong one.
        // (A number past 2^53 trips the integer check's own range, reported with its message.)
        if (issue.code === "too_big" && Number(issue.maximum) < Number.MAX_SAFE_INTEGER && !/\d/.test(issue.message) && issue.message !== "Wrong email or password") unnamed.push(`${path}: ${issue.message}`);
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
