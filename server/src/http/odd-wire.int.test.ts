import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";

/**
 * SECURITY 38 on the wire: inputs arrive as superjson, whose `meta` turns JSON values into
 * BigInts, Dates, Maps, Sets… before zod sees them. Whatever `meta` says, the answer is a 4xx.
 */
let t: TestApp;
let server: MarketplaceServer;

beforeAll(async () => {
  t = await createTestApp();
  server = await createServer(t.deps);
  await server.app.ready();
});
afterAll(async () => {
  await server.app.close();
  await t.close();
});

const post = (path: string, body: string) =>
  server.app.inject({ method: "POST", url: `/trpc/${path}`, headers: { "content-type": "application/json" }, payload: body });
const get = (path: string, input: unknown) => server.app.inject({ method: "GET", url: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` });

/** Metas that name no value of the input: superjson ignores them and the search runs. */
const HARMLESS_ENVELOPES: unknown[] = [
  { json: { q: "x" }, meta: { values: { "no.such.path": ["Date"] } } },
  { json: { q: "x" }, meta: "garbage" },
];

const ODD_ENVELOPES: unknown[] = [
  { json: { q: "x" }, meta: { values: { q: ["bigint"] } } },
  { json: { q: "12" }, meta: { values: { q: ["bigint"] } } },
  { json: { q: "nope" }, meta: { values: { q: ["Date"] } } },
  { json: { q: "2020-01-01" }, meta: { values: { q: ["Date"] } } },
  { json: { q: [["a", 1]] }, meta: { values: { q: ["map"] } } },
  { json: { q: [1] }, meta: { values: { q: ["set"] } } },
  { json: { q: "NaN" }, meta: { values: { q: ["number"] } } },
  { json: { limit: "Infinity" }, meta: { values: { limit: ["number"] } } },
  { json: { limit: "-0" }, meta: { values: { limit: ["number"] } } },
  { json: { q: "/x/" }, meta: { values: { q: ["regexp"] } } },
  { json: { q: "x" }, meta: { values: { q: ["no-such-type"] } } },
  { json: { q: "x" }, meta: { values: { q: [["custom", "nope"]] } } },
  { json: { q: "x" }, meta: { values: { q: [["class", "Nope"]] } } },
  { json: {}, meta: { values: { "__proto__.polluted": ["undefined"] } } },
  { json: { q: "x" }, meta: { values: { "constructor.prototype.x": ["undefined"] } } },
  { json: { q: "x" }, meta: { referentialEqualities: { q: ["limit", "__proto__"] } } },
  { json: { q: "x" }, meta: { values: "garbage" } },
  { json: { q: "a\u0000b" } },
  { json: { q: "\uD800" } },
  { json: null },
  { json: { q: { a: { b: { c: 1 } } } } },
  "just a string",
  [1, 2, 3],
];

describe("SECURITY 38: superjson-encoded odd values", () => {
  it("SECURITY 38: BigInt, invalid Dates, Maps, unknown types and prototype paths in superjson meta are a 4xx, never a 500", async () => {
    const statusOf = async (envelope: unknown) => [JSON.stringify(envelope), (await get("catalog.search", envelope)).statusCode, (await post("auth.login", JSON.stringify(envelope))).statusCode];
    for (const envelope of ODD_ENVELOPES) expect(await statusOf(envelope)).toEqual([JSON.stringify(envelope), 400, 400]);
    for (const envelope of HARMLESS_ENVELOPES) expect(await statusOf(envelope)).toEqual([JSON.stringify(envelope), 200, 400]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("deeply nested JSON and broken UTF-8 are a 4xx too", async () => {
    const deep = `{"json":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect((await post("auth.login", deep)).statusCode).toBe(400);
    const res = await server.app.inject({
      method: "POST",
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json" },
      payload: Buffer.concat([Buffer.from('{"json":{"email":"a@b.test","password":"'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}}')]),
    });
    expect(res.statusCode).toBeLessThan(500);
  });
});
