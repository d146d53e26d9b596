import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, LOST_CONNECTION_RERUNS } from "../lib/transaction.ts";
import { openDatabase } from "./client.ts";
import { ReadRetryingPool } from "./read-retry.ts";
import { DeadConnectionProxy } from "../test/tcp-proxy.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { adminQuery, usingPostgres } from "../test/db.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { until } from "../test/until.ts";

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

  const search = (target: MarketplaceServer = server) =>
    target.app.inject({ method: "GET", url: `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { limit: 5 } }))}` });

  it("a transaction cut half-way is run once more on another connection; nothing of the cut run is kept", async () => {
    const db = t.database.prisma;
    const category = await makeCategory(db);
    const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
    const product = await makeProduct(db, shop.id, category.id, { variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    let runs = 0;
    const retried = await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries);
    await inTransaction({ db, deps: t.deps }, async (tx) => {
      runs++;
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" - 2 WHERE "id" = ${variantId}`;
      if (runs === 1) await cutEveryConnection();
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" - 1 WHERE "id" = ${variantId}`;
    });
    expect(runs).toBe(2);
    // The cut run's first update was rolled back with it: only the second run's 3 units are gone.
    expect((await db.variant.findUniqueOrThrow({ where: { id: variantId } })).stock).toBe(2);
    expect(await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries)).toBe(retried + 1);
  });

  it("a transaction cut on every run fails after LOST_CONNECTION_RERUNS runs more, not again and again", async () => {
    const db = t.database.prisma;
    const retried = await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries);
    let runs = 0;
    const work = inTransaction({ db, deps: t.deps }, async (tx) => {
      runs++;
      await tx.$queryRaw`SELECT 1`;
      await cutEveryConnection();
      await tx.$queryRaw`SELECT 1`;
    });
    await expect(work).rejects.toThrow();
    expect(runs).toBe(1 + LOST_CONNECTION_RERUNS);
    expect(await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries)).toBe(retried + LOST_CONNECTION_RERUNS);
  });

  it("a transaction cut twice is run a third time, and commits once", async () => {
    const db = t.database.prisma;
    await db.$executeRawUnsafe(`CREATE TABLE "rerun_probe" ("run" int)`);
    try {
      let runs = 0;
      await inTransaction({ db, deps: t.deps }, async (tx) => {
        runs++;
        await tx.$executeRaw`INSERT INTO "rerun_probe" VALUES (${runs})`;
        if (runs <= 2) await cutEveryConnection();
        await tx.$queryRaw`SELECT 1`;
      });
      expect(runs).toBe(3);
      expect(await db.$queryRawUnsafe(`SELECT "run" FROM "rerun_probe"`)).toEqual([{ run: 3 }]);
    } finally {
      await db.$executeRawUnsafe(`DROP TABLE "rerun_probe"`);
    }
  });

  it("a transaction whose connection is lost while it commits is not run again: whether it committed is unknown", async () => {
    const db = t.database.prisma;
    // A deferred trigger that waits for an advisory lock the test holds: the COMMIT itself waits,
    // and its connection is cut there.
    await db.$executeRawUnsafe(`CREATE TABLE "commit_probe" ("id" int)`);
    await db.$executeRawUnsafe(`CREATE FUNCTION "commit_probe_wait"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$`);
    await db.$executeRawUnsafe(`CREATE CONSTRAINT TRIGGER "commit_probe_wait" AFTER INSERT ON "commit_probe"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "commit_probe_wait"()`);
    const locker = await t.database.connect();
    await locker.query("SELECT pg_advisory_lock(4242)");
    const retried = await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries);
    try {
      let runs = 0;
      const work = inTransaction({ db, deps: t.deps }, async (tx) => {
        runs++;
        await tx.$executeRaw`INSERT INTO "commit_probe" VALUES (1)`;
      });
      const outcome = work.then(
        () => null,
        (err: unknown) => err,
      );
      const deadline = Date.now() + 10_000;
      let committing: { pid: number }[] = [];
      while (!committing.length) {
        if (Date.now() > deadline) throw new Error("the commit never waited for the lock");
        committing = await locker.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'COMMIT%'`,
        );
      }
      await locker.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [committing.map((c) => c.pid)]);
      expect(String(await outcome)).toMatch(/terminating connection due to administrator command/);
      expect(runs).toBe(1);
      expect(await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries)).toBe(retried);
    } finally {
      await locker.query("SELECT pg_advisory_unlock(4242)");
      await locker.close();
      await db.$executeRawUnsafe(`DROP TABLE "commit_probe"`);
      await db.$executeRawUnsafe(`DROP FUNCTION "commit_probe_wait"()`);
    }
  });

  /** Waits until backend `pid` has ended, then one turn of the event loop more: its "terminating connection" message, sent before it ended, has been read by the connection it belonged to. */
  async function ended(pid: number) {
    const gone = async () => (await t.database.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`)[0]!.n === 0;
    await until(gone, `backend ${pid} to end`);
    await new Promise((r) => setTimeout(r, 20));
  }

  it("a transaction whose connection died after its last statement, before its COMMIT was sent, is run once more: it did not commit", async () => {
    const db = t.database.prisma;
    const category = await makeCategory(db);
    const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
    const product = await makeProduct(db, shop.id, category.id, { variants: [{ stock: 5 }] });
    const variantId = product.variants[0]!.id;
    const retried = await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries);
    let runs = 0;
    await inTransaction({ db, deps: t.deps }, async (tx) => {
      runs++;
      await tx.$executeRaw`UPDATE "variants" SET "stock" = "stock" - 2 WHERE "id" = ${variantId}`;
      if (runs > 1) return;
      // The server ends this backend now: pg learns it before the COMMIT and refuses to send it.
      const [own] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await adminQuery(`SELECT pg_terminate_backend(${own!.pid})`);
      await ended(own!.pid);
    });
    expect(runs).toBe(2);
    expect((await db.variant.findUniqueOrThrow({ where: { id: variantId } })).stock).toBe(3);
    expect(await t.deps.metrics.valueOf(t.deps.metrics.lostConnectionRetries)).toBe(retried + 1);
  });

  it("a connection the server ends while it is handed out, between two statements, does not end the process", async () => {
    // pg-pool stops listening for a connection's errors when it hands it out; pg emits the error
    // of a connection that is not running a statement on the connection itself, and an 'error'
    // event nobody listens to would end the process (read-retry.ts keeps a listener on each).
    const pool = new ReadRetryingPool({ connectionString: t.database.url!, max: 1 });
    try {
      const client = await pool.connect();
      const [own] = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows;
      await adminQuery(`SELECT pg_terminate_backend(${own!.pid})`);
      await ended(own!.pid);
      await expect(client.query("SELECT 1")).rejects.toThrow(/not queryable/);
      client.release(new Error("its server ended it"));
      expect((await pool.query<{ n: number }>("SELECT 1 AS n")).rows[0]!.n).toBe(1);
    } finally {
      await pool.end();
    }
  });

  /**
   * Holds `sessions` in `mode` from a connection of its own, runs `request`, waits until it waits
   * for that lock inside PostgreSQL, cuts its connection there, and hands back the pending answer
   * and the locker (still holding the lock). Watched from another connection: inside the locking
   * transaction pg_stat_activity would show the same snapshot each time.
   */
  async function cutWhileWaiting<T>(mode: string, request: () => Promise<T>) {
    const locker = await t.database.connect();
    const watcher = await t.database.connect();
    const waiters = () =>
      watcher.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    const waitForWaiters = async (not: number[] = []) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = (await waiters()).filter((w) => !not.includes(w.pid));
        if (found.length) return found.map((w) => w.pid);
        if (Date.now() > deadline) throw new Error("the request never waited for the lock");
      }
    };
    await locker.exec(`BEGIN; LOCK TABLE "sessions" IN ${mode} MODE`);
    const inFlight = Promise.resolve(request()); // inject() starts the request when awaited
    const cut = await waitForWaiters();
    await watcher.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [cut]);
    return {
      inFlight,
      /** Resolves when a statement other than the one cut waits for the lock (a retry). */
      nextWaiter: () => waitForWaiters(cut),
      /** Cuts the retry's connection too, once it waits. */
      async cutNextWaiter() {
        const next = await waitForWaiters(cut);
        cut.push(...next);
        await watcher.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [next]);
      },
      async release() {
        await locker.exec("ROLLBACK");
        await locker.close();
        await watcher.close();
      },
    };
  }

  it("a read whose connection is cut while it waits is run again on another connection and answered", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const me = () => server.app.inject({ method: "GET", url: "/trpc/auth.me", headers: { cookie: `session=${token}` } });
    expect((await me()).statusCode).toBe(200);

    const held = await cutWhileWaiting("ACCESS EXCLUSIVE", me);
    try {
      // The session lookup (a SELECT) queues again on a new connection instead of failing.
      await held.nextWaiter();
    } finally {
      await held.release();
    }
    const res = await held.inFlight;
    expect(res.statusCode).toBe(200);
    expect(res.json().result.data.json.email).toBe(user.email);
  });

  it("a write whose connection is cut while it waits is run again and answered; cut on every run, it gets a generic 500 and nothing is written", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const headers = { cookie: `session=${token}`, "content-type": "application/json" };
    const me = () => server.app.inject({ method: "GET", url: "/trpc/auth.me", headers });
    const logout = () => server.app.inject({ method: "POST", url: "/trpc/auth.logout", headers, payload: "{}" });

    // EXCLUSIVE lets the session lookup read, and stops the logout's UPDATE. Cut once: the
    // logout's transaction (rolled back by PostgreSQL) queues again on another connection.
    const once = await cutWhileWaiting("EXCLUSIVE", logout);
    try {
      await once.nextWaiter();
    } finally {
      await once.release();
    }
    expect((await once.inFlight).statusCode).toBe(200);
    expect((await me()).json().result.data.json).toBeNull();

    const other = await t.createUser();
    const second = await t.signIn(other.email);
    const otherHeaders = { cookie: `session=${second.token}`, "content-type": "application/json" };
    const otherMe = () => server.app.inject({ method: "GET", url: "/trpc/auth.me", headers: otherHeaders });
    const otherLogout = () => server.app.inject({ method: "POST", url: "/trpc/auth.logout", headers: otherHeaders, payload: "{}" });
    const everyRun = await cutWhileWaiting("EXCLUSIVE", otherLogout);
    let res;
    try {
      for (let rerun = 0; rerun < LOST_CONNECTION_RERUNS; rerun++) await everyRun.cutNextWaiter();
      res = await everyRun.inFlight;
    } finally {
      await everyRun.release();
    }
    expect(res.statusCode).toBe(500);
    expect(res.json().error.json.message).toBe("Internal server error");
    expect(res.body).not.toMatch(/terminat|SELECT|sessions|\.ts|\/work/i);
    // Nothing was written, and the write was not tried once more behind the caller's back.
    expect((await otherMe()).json().result.data.json?.email).toBe(other.email);

    expect((await server.app.inject("/readyz")).statusCode).toBe(200);
  });

  it("reads right after a restart meet the pool's dead connections and are all answered", async () => {
    // The server's pool reaches PostgreSQL through a proxy that can make every pooled connection
    // dead without the pool hearing of it (see DeadConnectionProxy): the state the pool is in
    // when the database restarted or failed over while the connections sat idle.
    const target = new URL(t.database.url!);
    const proxy = new DeadConnectionProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(target);
    proxied.port = String(await proxy.listen());
    let retries = 0;
    const database = await openDatabase({ url: proxied.toString(), poolSize: 4, onReadRetry: () => retries++ });
    const replica = await createServer({ ...t.deps, database });
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    try {
      await Promise.all(Array.from({ length: 4 }, () => search(replica)));
      // The connections die while they sit idle (a statement still running when its connection
      // dies, behind a proxy that never answers it again, would wait forever: another case).
      await until(() => {
        const pool = database.poolStats()!;
        return pool.idle === pool.total && pool.waiting === 0;
      }, "the pool's connections to be idle");
      expect(proxy.open).toBeGreaterThan(0);
      expect(proxy.killConnections()).toBeGreaterThan(0);

      // Every search and session lookup after it is answered: the first read on a dead connection
      // is run again on another (read-retry.ts); none is a 500.
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await search(replica));
      answers.push(await replica.app.inject({ method: "GET", url: "/trpc/auth.me", headers: { cookie: `session=${token}` } }));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(9).fill(200));
      expect(answers.at(-1)!.json().result.data.json.email).toBe(user.email);
      // They were answered by retrying, not by luck: reads did meet the dead connections.
      expect(retries).toBeGreaterThan(0);
    } finally {
      await replica.app.close();
      await database.close();
      await proxy.close();
    }
  });
});
