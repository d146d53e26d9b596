import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { transformer } from "./transformer.ts";

class Money {
  constructor(readonly cents: number) {}
}

const samples: [string, unknown][] = [
  ["a plain page", { items: [{ id: "a", title: "Mug", priceCents: 1200, tags: ["x", "y"], image: null, inStock: true }], nextCursor: null }],
  ["a string, a number, null", ["s", 1.5, null]],
  ["a Date deep inside", { order: { items: [{ at: new Date("2026-11-27T00:00:00Z") }] } }],
  ["an undefined property", { a: 1, b: undefined }],
  ["an array hole", [1, , 3]], // eslint-disable-line no-sparse-arrays
  ["NaN and Infinity", { n: Number.NaN, i: Number.POSITIVE_INFINITY }],
  ["minus zero", { z: -0 }],
  ["a BigInt", { big: 10n }],
  ["a Map and a Set", { m: new Map([["k", 1]]), s: new Set([1]) }],
  ["a class instance", { price: new Money(5) }],
  ["a null-prototype object", Object.assign(Object.create(null) as object, { a: 1 })],
  ["undefined alone", undefined],
  [
    "a review page: Dates in items and in nested replies",
    {
      items: [
        { id: "r1", createdAt: new Date("2026-11-27T00:00:00.123Z"), reply: null, author: { name: "A" } },
        { id: "r2", createdAt: new Date("2026-11-26T00:00:00Z"), reply: { body: "Thanks", createdAt: new Date("2026-11-28T10:00:00Z") }, author: { name: "B" } },
      ],
      nextCursor: "abc",
      summary: { ratingAvg: 4.5, ratingCount: 2, histogram: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 } },
    },
  ],
  ["a Date under keys with dots and backslashes", { "a.b": { "c\\d": new Date(5), "e\\.f": [new Date(6)] } }],
  ["Dates in an array", [new Date(1), { at: new Date(2) }]],
  ["a Date alone", new Date(7)],
  ["one Date met twice", (() => {
    const d = new Date(8);
    return { a: d, b: [d] };
  })()],
  ["an invalid Date", { at: new Date(Number.NaN) }],
  ["a Date beside a Map", { at: new Date(9), m: new Map([["k", 1]]) }],
  ["a Date beside undefined", { at: new Date(10), u: undefined }],
];

describe("the wire transformer", () => {
  it.each(samples)("encodes %s exactly as superjson does, and the client decodes it back", (_name, value) => {
    const ours = transformer.serialize(value);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(superjson.serialize(value)));
    expect(superjson.deserialize(JSON.parse(JSON.stringify(ours)))).toEqual(superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(value)))));
  });

  it("decodes what the client's superjson sends", () => {
    const sent = superjson.serialize({ when: new Date("2026-01-02T03:04:05Z"), n: 1 });
    expect(transformer.deserialize(sent)).toEqual({ when: new Date("2026-01-02T03:04:05Z"), n: 1 });
  });
});
