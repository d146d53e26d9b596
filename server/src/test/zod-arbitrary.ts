import fc from "fast-check";
import type { z } from "zod";

/**
 * fast-check inputs made from a zod 4 schema, for fuzzing procedures (SECURITY 38).
 * `zod-fast-check` only knows zod 3 (and fast-check 3), so this walks zod 4's own definitions
 * (`schema._zod.def`). About half the values follow the schema, so that calls get past validation
 * into the services and the SQL; the others have one node made odd (NUL bytes, lone surrogates,
 * tsquery operators, numbers past int4/int8/float8, far or invalid dates, BigInt, Map, deep
 * objects, wrong types) or an unknown key, or are odd outright.
 */
export interface ArbitraryOptions {
  /** Values to try for fields of these names (real ids, cursors…), mixed with generated ones. */
  byKey?: Record<string, fc.Arbitrary<unknown>>;
}

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type Check = { check: string; [k: string]: unknown };

/** Characters that break things: NUL, surrogate halves, tsquery and LIKE operators, odd spaces. */
const NASTY_UNITS = ["\u0000", "\uD800", "\uDFFF", "-", "'", '"', "\\", ":", "*", "&", "|", "!", "(", ")", "<->", "%", "_", " ", "\u3000", "\u200b", "é", "😀", "a", "Z", "9"];

/** Strings a user can type or a script can send, biased to the characters above. */
export const nastyString = (maxLength = 60): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...NASTY_UNITS), maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.constantFrom("-".repeat(50), "- ".repeat(40), "(-".repeat(40), "!!&|<->(( ))::*", "'", "\\", "x".repeat(200), "\u0000", "a\uD800b"),
  );

/** Search text made of full-text operators: runs of negations, brackets, quotes, `or`. */
export const operatorSoup: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom("-", "-", "-", " ", "(", ")", "!", "&", "|", "<->", '"', "'", ":*", "\\", " or ", "\u3000", "mug"), { minLength: 1, maxLength: 100 }),
  fc.array(fc.constantFrom("-", "-", "-", " ", "(", "!", "\t", "\u3000"), { minLength: 20, maxLength: 150 }),
).map((parts) => parts.join("").slice(0, 200));

const deepObject = (depth: number): unknown => (depth === 0 ? {} : { a: deepObject(depth - 1) });

/** Numbers at and past every range PostgreSQL and JS care about. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 2 ** 63, 1e21, Number.MAX_VALUE, 5e-324, 8.64e15, -8.64e15, 8.64e15 + 1, 9.3e15, 1e300),
  fc.double(),
  fc.integer(),
);

/** Values of the wrong kind, or of the right kind and odd. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString(),
  oddNumber,
  fc.constantFrom<unknown>(
    null,
    undefined,
    true,
    "",
    [],
    {},
    [null],
    "x".repeat(100_000),
    new Date(NaN),
    new Date(8.64e15),
    new Date(-8.64e15),
    10n ** 30n,
    -1n,
    new Map([["a", 1]]),
    new Set([1]),
    deepObject(200),
    { __proto__: { polluted: true } },
    Object.create(null) as unknown,
  ),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
);

/**
 * `value` with the node at position `n` (depth first, the root included) made odd: replaced by
 * `odd`, given an unknown key holding `odd` (an object), or with `char` put into it (a string,
 * which then keeps its shape but for that one character).
 */
function mutateOne(value: unknown, n: number, odd: unknown, how: "replace" | "addKey" | "insertChar", char: string): unknown {
  const copy = structuredClone(value);
  const nodes: { parent: Record<string, unknown> | unknown[] | null; key: string | number; node: unknown }[] = [];
  const visit = (node: unknown, parent: Record<string, unknown> | unknown[] | null, key: string | number) => {
    nodes.push({ parent, key, node });
    if (Array.isArray(node)) node.forEach((child, i) => visit(child, node, i));
    else if (node !== null && typeof node === "object") for (const [k, child] of Object.entries(node)) visit(child, node as Record<string, unknown>, k);
  };
  visit(copy, null, "");
  const target = nodes[n % nodes.length]!;
  let replacement = odd;
  if (how === "addKey" && target.node !== null && typeof target.node === "object" && !Array.isArray(target.node)) {
    (target.node as Record<string, unknown>).unexpected = odd;
    return copy;
  }
  if (how === "insertChar" && typeof target.node === "string") {
    const at = n % (target.node.length + 1);
    replacement = target.node.slice(0, at) + char + target.node.slice(at);
  }
  if (target.parent === null) return replacement;
  (target.parent as Record<string | number, unknown>)[target.key] = replacement;
  return copy;
}

/**
 * Inputs for `schema`: values that follow it (with the `byKey` values for their fields), the
 * same with one node made odd (or given an unknown key), and odd values outright.
 */
export function zodArbitrary(schema: z.core.$ZodType, opts: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const byKey = opts.byKey ?? {};

  function walk(s: z.core.$ZodType, key: string | null, depth: number): fc.Arbitrary<unknown> {
    const def = s._zod.def as Def;
    const checks = ((def.checks ?? []) as unknown as { _zod: { def: Check } }[]).map((c) => c._zod.def);
    const check = (name: string) => checks.find((c) => c.check === name);
    const hinted = key !== null ? byKey[key] : undefined;
    if (depth > 12) return oddValue;
    switch (def.type) {
      case "string": {
        const min = (check("min_length")?.minimum as number | undefined) ?? 0;
        const max = (check("max_length")?.maximum as number | undefined) ?? 300;
        const format = check("string_format") ?? (def.format ? { check: "", format: def.format } : undefined);
        const shaped: fc.Arbitrary<string> =
          format?.format === "regex"
            ? fc.stringMatching(format.pattern as RegExp, { maxLength: max }).map((x) => (x.length >= min ? x : x.padEnd(min, x || "a")))
            : format?.format === "email"
              ? fc.emailAddress()
              : fc.string({ minLength: min, maxLength: Math.min(max, 80) }).map((x) => (x.trim().length >= min ? x : x.padEnd(min, "x")));
        return fc.oneof({ arbitrary: hinted ?? shaped, weight: 8 }, { arbitrary: shaped, weight: 2 }, { arbitrary: nastyString(Math.min(max + 1, 250)), weight: 1 });
      }
      case "number": {
        const isInt = checks.some((c) => c.check === "number_format");
        const min = (check("greater_than")?.value as number | undefined) ?? -1e9;
        const max = (check("less_than")?.value as number | undefined) ?? 1e9;
        const inRange = isInt ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
        return fc.oneof({ arbitrary: inRange, weight: 8 }, { arbitrary: fc.constantFrom(min, max), weight: 2 });
      }
      case "boolean":
        return fc.boolean();
      case "enum":
        return fc.constantFrom(...Object.values(def.entries as Record<string, string | number>));
      case "literal":
        return fc.constantFrom(...(def.values as unknown[]));
      case "optional":
      case "default":
      case "prefault":
        return fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: walk(def.innerType as z.core.$ZodType, key, depth + 1), weight: 2 });
      case "nullable":
        return fc.oneof(fc.constant(null), walk(def.innerType as z.core.$ZodType, key, depth + 1));
      case "readonly":
      case "catch":
      case "nonoptional":
        return walk(def.innerType as z.core.$ZodType, key, depth + 1);
      case "pipe":
        return walk(def.in as z.core.$ZodType, key, depth + 1);
      case "array": {
        const min = (check("min_length")?.minimum as number | undefined) ?? 0;
        const max = (check("max_length")?.maximum as number | undefined) ?? 10;
        const element = walk(def.element as z.core.$ZodType, key, depth + 1);
        return fc.oneof({ arbitrary: fc.array(element, { minLength: min, maxLength: Math.min(max, min + 3) }), weight: 12 }, { arbitrary: fc.array(element, { minLength: max + 1, maxLength: max + 1 }), weight: 1 });
      }
      case "union":
        return fc.oneof(...(def.options as z.core.$ZodType[]).map((o) => walk(o, key, depth + 1)));
      case "object": {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, walk(v, k, depth + 1)])));
      }
      default:
        return hinted ?? oddValue;
    }
  }
  const valid = walk(schema, null, 0);
  const how = fc.constantFrom("replace", "addKey", "insertChar", "insertChar") as fc.Arbitrary<"replace" | "addKey" | "insertChar">;
  const char = fc.constantFrom("\u0000", "\uD800", "\uDFFF", "-", "'", "\\");
  const mutated = fc.tuple(valid, fc.nat(), oddValue, how, char).map(([v, n, odd, h, c]) => mutateOne(v, n, odd, h, c));
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: mutated, weight: 4 }, { arbitrary: oddValue, weight: 1 });
}
