import { afterAll, beforeAll, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client.ts";
import { createTestDatabase, type TestDatabase } from "../test/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

it("reads the same rows as Prisma's $queryRaw for ints, text, arrays, json and timestamps", async () => {
  const statement = Prisma.sql`
    SELECT ${41}::int + 1 AS n, ${"mug"}::text AS word, ${["a", "b"]}::text[] AS words,
           json_build_object('id', 'x', 'cents', 1250, 'tags', json_build_array('red')) AS item,
           '2026-11-27T05:00:00.123Z'::timestamptz AS at`;
  const rows = await db.read(statement);
  expect(rows).toEqual(await db.prisma.$queryRaw(statement));
  expect(rows).toEqual([
    { n: 42, word: "mug", words: ["a", "b"], item: { id: "x", cents: 1250, tags: ["red"] }, at: new Date("2026-11-27T05:00:00.123Z") },
  ]);
});
