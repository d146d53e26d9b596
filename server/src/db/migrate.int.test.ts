import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adminQuery, databaseUrl, testDatabaseName, usingPostgres } from "../test/db.ts";
import { openDatabase, type Database } from "./client.ts";
import { DataDirInUseError, lockDataDir } from "./data-dir-lock.ts";
import { migrate, MigrationError, readMigrations, type Migration } from "./migrate.ts";

const fake = (name: string, sql: string): Migration => ({ name, sql, checksum: `sum-${name}-${sql.length}` });

/** A fresh, empty database of the kind under test. */
async function emptyDatabase(): Promise<Database> {
  if (!usingPostgres) return openDatabase({ dataDir: null, fromTemplate: false });
  const name = testDatabaseName();
  await adminQuery(`CREATE DATABASE "${name}"`);
  const database = await openDatabase({ url: databaseUrl(name), poolSize: 5 });
  return { ...database, close: async () => (await database.close(), adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

describe("migrator", () => {
  it("applies the project's migrations in order, records them in Prisma's layout, and applies nothing twice", async () => {
    const db = await emptyDatabase();
    try {
      const conn = await db.connect();
      const all = await readMigrations();
      expect(await migrate(conn)).toEqual(all.map((m) => m.name));
      expect(await migrate(conn)).toEqual([]);
      const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(all.map((m) => m.name));
      expect(rows.every((r) => r.finished_at && r.applied_steps_count === 1)).toBe(true);
      expect(rows.map((r) => r.checksum)).toEqual(all.map((m) => m.checksum));
      await conn.close();
    } finally {
      await db.close();
    }
  });

  it("stops with a clear error when an applied migration was changed", async () => {
    const db = await emptyDatabase();
    try {
      const conn = await db.connect();
      await migrate(conn, { migrations: [fake("001_a", "CREATE TABLE a (id int)")] });
      const changed = [{ name: "001_a", sql: "CREATE TABLE a (id bigint)", checksum: "different" }];
      await expect(migrate(conn, { migrations: changed })).rejects.toThrow(MigrationError);
      await expect(migrate(conn, { migrations: changed })).rejects.toThrow(/001_a was changed after it was applied/);
      await conn.close();
    } finally {
      await db.close();
    }
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const db = await emptyDatabase();
    try {
      const conn = await db.connect();
      const bad = [fake("001_ok", "CREATE TABLE ok (id int)"), fake("002_bad", "CREATE TABLE half (id int); SELECT * FROM no_such_table")];
      await expect(migrate(conn, { migrations: bad })).rejects.toThrow(/002_bad failed/);
      const tables = await conn.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.map((r) => r.t).sort()).toEqual(["_prisma_migrations", "ok"]);
      const names = await conn.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
      expect(names.map((r) => r.migration_name)).toEqual(["001_ok"]);
      await conn.close();
    } finally {
      await db.close();
    }
  });

  it.skipIf(!usingPostgres)("applies each migration exactly once when many replicas start at once (PostgreSQL advisory lock)", async () => {
    const db = await emptyDatabase();
    try {
      const migrations = [
        fake("001_counter", "CREATE TABLE counter (n int); INSERT INTO counter VALUES (0)"),
        fake("002_bump", "SELECT pg_sleep(0.2); UPDATE counter SET n = n + 1"),
      ];
      const conns = await Promise.all(Array.from({ length: 5 }, () => db.connect()));
      const results = await Promise.all(conns.map((c) => migrate(c, { migrations })));
      expect(results.flat().sort()).toEqual(["001_counter", "002_bump"]);
      const [row] = await conns[0]!.query<{ n: number }>("SELECT n FROM counter");
      expect(row!.n).toBe(1);
      await Promise.all(conns.map((c) => c.close()));
    } finally {
      await db.close();
    }
  });
});

describe("embedded database directory", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("refuses a second process on the same DATA_DIR with a clear error, and takes over a dead one's lock", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mk-lock-"));
    dirs.push(dir);
    const unlock = lockDataDir(dir);
    // Pretend another live process holds it: pid 1 is always alive.
    unlock();
    const lockFile = path.join(dir, "marketplace.lock");
    writeFileSync(lockFile, "1");
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(/in use by another server process \(pid 1\)/);
    // A lock left by a process that no longer exists is taken over.
    writeFileSync(lockFile, "999999999");
    const release = lockDataDir(dir);
    release();
  });

  it("keeps data across a restart", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mk-data-"));
    dirs.push(dir);
    const first = await openDatabase({ dataDir: dir });
    await migrate(await first.connect());
    await first.prisma.category.create({ data: { name: "Kept", slug: "kept" } });
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DataDirInUseError);
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    try {
      expect(await migrate(await second.connect())).toEqual([]);
      expect(await second.prisma.category.findUnique({ where: { slug: "kept" } })).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});

describe("the PostgreSQL pool", () => {
  it.skipIf(!usingPostgres)("turns JIT off on its connections, for Prisma's queries and the app's own", async () => {
    const db = await emptyDatabase();
    try {
      expect(await db.prisma.$queryRaw`SELECT current_setting('jit') AS jit`).toEqual([{ jit: "off" }]);
      const conn = await db.connect();
      expect(await conn.query(`SHOW jit`)).toEqual([{ jit: "off" }]);
      await conn.close();
    } finally {
      await db.close();
    }
  });
});
