import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usingPostgres } from "../test/db.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { isTransactionStartTimeout, isUniqueViolation } from "./errors.ts";

/** The detectors against the errors Prisma really throws, not hand-made look-alikes. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const caught = async (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);

describe("database error detectors", () => {
  it("a unique violation, from a model query (P2002) and from raw SQL (P2010)", async () => {
    const db = t.database.prisma;
    const user = await t.createUser();
    const model = await caught(t.createUser({ email: user.email }));
    await db.category.create({ data: { name: "Only", slug: "only-once" } });
    const raw = await caught(db.$executeRaw`INSERT INTO "categories" ("id", "name", "slug") VALUES ('dup-x', 'Only', 'only-once')`);
    expect(isUniqueViolation(model)).toBe(true);
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isUniqueViolation(await caught(db.$executeRaw`SELECT 1/0`))).toBe(false);
  });

  it.skipIf(usingPostgres)("no connection within maxWait (PGlite has one, held by another transaction)", async () => {
    const db = t.database.prisma;
    let release!: () => void;
    let holding!: () => void;
    const started = new Promise<void>((r) => (holding = r));
    const held = db.$transaction(
      () =>
        new Promise<void>((r) => {
          release = r;
          holding(); // inside the transaction: the connection is taken
        }),
      { timeout: 10_000 },
    );
    await started;
    const err = await caught(db.$transaction(async (tx) => tx.$queryRaw`SELECT 1`, { maxWait: 200 }));
    release();
    await held;
    expect(isTransactionStartTimeout(err)).toBe(true);
    expect(isTransactionStartTimeout(await caught(db.$executeRaw`SELECT 1/0`))).toBe(false);
  });
});
