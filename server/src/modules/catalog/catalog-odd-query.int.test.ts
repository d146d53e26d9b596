import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { nastyString, operatorSoup } from "../../test/zod-arbitrary.ts";

/**
 * SECURITY 38: search text goes to `websearch_to_tsquery` and to trigram matching; whatever a
 * user types, the answer is results (the text read as words) or a clean BAD_REQUEST, never a 500.
 */
let t: TestApp;
let anon: Awaited<ReturnType<TestApp["anon"]>>;
let mugId: string;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.prisma;
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db, owner.id);
  const category = await makeCategory(db);
  mugId = (await makeProduct(db, shop.id, category.id, { title: "Blue stoneware mug", description: "A t-shirt print mug" })).id;
  await makeProduct(db, shop.id, category.id, { title: "Red bowl" });
  anon = await t.anon();
});
afterAll(() => t.close());

/** The search's answer, or the error's code when it is anything but a 500 (which fails). */
async function searchCode(q: string): Promise<string> {
  try {
    await anon.catalog.search({ q });
    return "OK";
  } catch (err) {
    if (!(err instanceof TRPCError) || err.code === "INTERNAL_SERVER_ERROR") {
      throw new Error(`search ${JSON.stringify(q)} answered 500: ${String(err instanceof Error && err.cause instanceof Error ? err.cause.message : err)}`);
    }
    return err.code;
  }
}

const NASTY = [
  "-".repeat(50),
  "- ".repeat(40),
  "-".repeat(200),
  "(-".repeat(60),
  "-\u3000".repeat(60),
  "-\t-\n-\r-".repeat(28),
  "!!&|<->(( ))::*",
  "!".repeat(200),
  "(".repeat(200),
  ")".repeat(200),
  "<->".repeat(66),
  "a:* & b:A | !c <2> d",
  "'",
  "''''",
  "\\",
  "\\\\'\\'",
  '"',
  '"""',
  '"unterminated phrase -',
  "or or or",
  "-or",
  "mug or or -",
  "x".repeat(200),
  "stoneware".repeat(22),
  "é".repeat(200),
  "😀".repeat(100),
  "%_%",
  "\u200b\u200b",
  "$1 $2 ::text",
];

describe("SECURITY 38: search text PostgreSQL's tsquery parser cannot take", () => {
  it("SECURITY 38: 50 dashes, operator soup, quotes, backslashes and long words are searched as words, never a 500", async () => {
    for (const q of NASTY) expect([q, await searchCode(q)]).toEqual([q, "OK"]);
    // NUL and lone surrogates are refused by the schema, with a field error on q.
    for (const q of ["mug\u0000", "\uD800mug"]) {
      await expect(anon.catalog.search({ q })).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { issues: [{ path: ["q"] }] } });
    }
  });

  it("still finds by the words around the operators (a run of negations is one)", async () => {
    // Full-text hits come first (a trigram match for a misspelt word may follow them).
    const first = async (q: string) => (await anon.catalog.search({ q })).items[0]?.id;
    expect(await first(`${"-".repeat(50)}bowl mug`)).toBe(mugId);
    expect(await first(`mug ${"- ".repeat(40)}bowl`)).toBe(mugId);
    expect(await first("t-shirt")).toBe(mugId);
  });

  it("SECURITY 38: random search text is never a 500 (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(operatorSoup, nastyString(200), fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 })), async (q) => {
        expect(["OK", "BAD_REQUEST"]).toContain(await searchCode(q));
      }),
      { seed: 38, numRuns: 150 },
    );
  });
});
