import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory } from "../test/factories.ts";
import { usingPostgres } from "../test/db.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { isTransactionExpired } from "../db/errors.ts";
import { inTransaction } from "./transaction.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("inTransaction", () => {
  it.skipIf(!usingPostgres)("runs a transaction PostgreSQL aborted to break a deadlock again, and emits its events once", async () => {
    const db = t.database.prisma;
    const [a, b] = [await makeCategory(db, { name: "Lock A" }), await makeCategory(db, { name: "Lock B" })];
    let runs = 0;
    let bothLocked!: () => void;
    let locked = 0;
    const barrier = new Promise<void>((r) => (bothLocked = r));
    // Each takes one row, waits until the other has taken its own, then wants the other's: a
    // deadlock, which PostgreSQL breaks by aborting one of them.
    const crossing = (first: string, second: string, label: string) =>
      inTransaction({ db, deps: t.deps }, async (tx, events) => {
        runs++;
        await tx.$executeRaw`UPDATE "categories" SET "position" = "position" + 1 WHERE "id" = ${first}`;
        if (++locked === 2) bothLocked();
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 2_000))]);
        await tx.$executeRaw`UPDATE "categories" SET "position" = "position" + 1 WHERE "id" = ${second}`;
        events.add("activity", ["admins"], {
          activityId: label, kind: "user.registered", summary: label, actorId: null, actorName: null, subjectType: null, subjectId: null,
        });
        return label;
      });
    const before = t.sink.events.length;
    const { metrics } = t.deps;
    const retriesBefore = await metrics.valueOf(metrics.conflictRetries);
    expect(await Promise.all([crossing(a.id, b.id, "ab"), crossing(b.id, a.id, "ba")])).toEqual(["ab", "ba"]);
    expect(runs).toBe(3); // one of them ran twice
    expect(await metrics.valueOf(metrics.conflictRetries)).toBe(retriesBefore + 1); // and the retry is counted
    const positions = await db.category.findMany({ where: { id: { in: [a.id, b.id] } }, select: { position: true } });
    expect(positions.map((p) => p.position)).toEqual([2, 2]); // each row moved once per committed transaction
    expect(t.sink.events.slice(before).map((e) => (e.payload as { summary: string }).summary).sort()).toEqual(["ab", "ba"]);
  });

  it("counts each retry of a write conflict, and a transaction that found no connection in time", async () => {
    const { metrics } = t.deps;
    const conflict = Object.assign(new Error("could not serialize access due to concurrent update"), { code: "P2034" });
    const timeout = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" });
    // A client whose transactions fail as PostgreSQL's would: twice a conflict, then they run.
    let failures = 2;
    const flaky = { $transaction: (work: (tx: never) => Promise<unknown>) => (failures-- > 0 ? Promise.reject(conflict) : work({} as never)) };
    const [retries, timeouts] = [await metrics.valueOf(metrics.conflictRetries), await metrics.valueOf(metrics.transactionStartTimeouts)];
    expect(await inTransaction({ db: flaky as never, deps: t.deps }, async () => "done")).toBe("done");
    expect(await metrics.valueOf(metrics.conflictRetries)).toBe(retries + 2);
    const saturated = { $transaction: () => Promise.reject(timeout) };
    await expect(inTransaction({ db: saturated as never, deps: t.deps }, async () => "never")).rejects.toMatchObject({ kind: "SERVICE_UNAVAILABLE" });
    expect(await metrics.valueOf(metrics.transactionStartTimeouts)).toBe(timeouts + 1);
  });

  it("a transaction rolled back for outliving its time limit is SERVICE_UNAVAILABLE (safe to send again), counted, not a 500", async () => {
    const db = t.database.prisma;
    // What Prisma throws when a transaction's next statement comes after its timeout.
    const expired = await db
      .$transaction(
        async (tx) => {
          await new Promise((r) => setTimeout(r, 300));
          await tx.$queryRaw`SELECT 1`;
        },
        { timeout: 100 },
      )
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(isTransactionExpired(expired)).toBe(true);
    expect(isTransactionExpired(Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" }))).toBe(false);

    const { metrics } = t.deps;
    const before = await metrics.valueOf(metrics.transactionTimeouts);
    const overloaded = { $transaction: () => Promise.reject(expired) };
    await expect(inTransaction({ db: overloaded as never, deps: t.deps }, async () => "never")).rejects.toMatchObject({ kind: "SERVICE_UNAVAILABLE" });
    expect(await metrics.valueOf(metrics.transactionTimeouts)).toBe(before + 1);
  });

  it("lets any other error through at once, without running the work again", async () => {
    let runs = 0;
    await expect(
      inTransaction({ db: t.database.prisma, deps: t.deps }, async () => {
        runs++;
        throw new Error("not a conflict");
      }),
    ).rejects.toThrow("not a conflict");
    expect(runs).toBe(1);
  });
});
