import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../lib/transaction.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { adminQuery, usingPostgres } from "../test/db.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";

/**
 * SECURITY 27. What a PostgreSQL restart does to a running server: every connection of its pool is
 * cut (here with pg_terminate_backend, which is what the server sees of a restart, without stopping
 * the PostgreSQL that other suites share).
 */
describe.skipIf(!usingPostgres)("SECURITY 27: the database restarting under a running server", () => {
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

  const databaseName = () => new URL(t.database.url!).pathname.slice(1);
  const cutEveryConnection = () =>
    adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName()}' AND pid <> pg_backend_pid()`);

  const search = () =>
    server.app.inject({ method: "GET", url: `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}` });

  it("a transaction cut half-way leaves nothing written, and fails without being run again", async () => {
    const db = t.database.prisma;
    const category = await makeCategory(db);
    const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
    const product = await makeProduct(db, shop.id, category.id, { variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    let runs = 0;
    const work = inTransaction({ db, deps: t.deps }, async (tx) => {
      runs++;
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" - 2 WHERE "id" = ${variantId}`;
      await cutEveryConnection();
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" - 1 WHERE "id" = ${variantId}`;
    });
    await expect(work).rejects.toThrow();
    expect(runs).toBe(1);
    // The pool gives the next query a fresh connection: the first update was rolled back with the rest.
    expect((await db.variant.findUniqueOrThrow({ where: { id: variantId } })).stock).toBe(5);
  });

  it("a request whose connection is cut while it waits gets a generic 500; the pool recovers for the next ones", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const me = () => server.app.inject({ method: "GET", url: "/trpc/auth.me", headers: { cookie: `session=${token}` } });
    expect((await me()).statusCode).toBe(200);

    // Hold the sessions table so that the next request waits inside PostgreSQL, then cut it there.
    // (Watched from a connection of its own: inside the locking transaction pg_stat_activity
    // would show the same snapshot each time.)
    const locker = await t.database.connect();
    const watcher = await t.database.connect();
    try {
      await locker.exec(`BEGIN; LOCK TABLE "sessions" IN ACCESS EXCLUSIVE MODE`);
      const inFlight = Promise.resolve(me()); // inject() starts the request when awaited
      let waiting: { pid: number }[] = [];
      const deadline = Date.now() + 10_000;
      while (!waiting.length) {
        if (Date.now() > deadline) throw new Error("the request never waited for the lock");
        waiting = await watcher.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
      }
      await watcher.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [waiting.map((w) => w.pid)]);
      const res = await inFlight;
      expect(res.statusCode).toBe(500);
      expect(res.json().error.json.message).toBe("Internal server error");
      expect(res.body).not.toMatch(/terminat|SELECT|sessions|\.ts|\/work/i);
    } finally {
      await locker.exec("ROLLBACK");
      await locker.close();
      await watcher.close();
    }

    // Every other connection of the pool cut as well (a restart). A request may still meet a dead
    // connection the pool has not noticed yet: it fails cleanly; the pool replaces them and the
    // requests after are served.
    await cutEveryConnection();
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await search());
    for (const res of answers.filter((r) => r.statusCode !== 200)) {
      expect(res.statusCode).toBe(500);
      expect(res.json().error.json.message).toBe("Internal server error");
    }
    expect(answers.slice(-3).map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect((await me()).statusCode).toBe(200);
    expect((await server.app.inject("/readyz")).statusCode).toBe(200);
  });
});
