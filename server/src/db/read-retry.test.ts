import type pg from "pg";
import { describe, expect, expectTypeOf, it } from "vitest";
import { isDeadConnectionError, isReadStatement, ReadRetryingPool } from "./read-retry.ts";

describe("which failed statements are run again", () => {
  it("only SELECTs count as reads; writes never do", () => {
    expect(isReadStatement(`SELECT "id" FROM "products" WHERE "id" = $1`)).toBe(true);
    expect(isReadStatement(`  /* prisma */ select 1`)).toBe(true);
    expect(isReadStatement(`INSERT INTO "orders" ("id") VALUES ($1) RETURNING "id"`)).toBe(false);
    expect(isReadStatement(`UPDATE "sessions" SET "last_seen_at" = $1`)).toBe(false);
    expect(isReadStatement(`DELETE FROM "cart_items"`)).toBe(false);
    // A CTE may write (WITH … INSERT): only Database.read, read-only by contract, retries one.
    expect(isReadStatement(`WITH moved AS (DELETE FROM "carts" RETURNING *) SELECT * FROM moved`)).toBe(false);
    expect(isReadStatement(`selection`)).toBe(false);
  });

  it("only a cut connection counts, not a statement PostgreSQL refused", () => {
    const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });
    expect(isDeadConnectionError(pgError("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(isDeadConnectionError(pgError("ECONNRESET", "read ECONNRESET"))).toBe(true);
    expect(isDeadConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDeadConnectionError(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(isDeadConnectionError(pgError("23505", "duplicate key value violates unique constraint"))).toBe(false);
    expect(isDeadConnectionError(pgError("40P01", "deadlock detected"))).toBe(false);
    expect(isDeadConnectionError(pgError("57014", "canceling statement due to statement timeout"))).toBe(false);
    expect(isDeadConnectionError("Connection terminated")).toBe(false);
  });
});

describe("the retrying pool's query", () => {
  it("keeps pg's types: the promise forms resolve to results, a callback form returns nothing (checked by tsc)", async () => {
    const pool = new ReadRetryingPool({ max: 1 }); // connects only when asked
    type Row = { id: string };
    const promiseForms = () => [pool.query<Row>("SELECT $1::text AS id", ["a"]), pool.query<Row>({ text: "SELECT 1" })] as const;
    expectTypeOf(promiseForms).returns.toEqualTypeOf<readonly [Promise<pg.QueryResult<Row>>, Promise<pg.QueryResult<Row>>]>();
    expectTypeOf(() => pool.query("SELECT 1", () => {})).returns.toBeVoid();
    await pool.end();
  });
});
