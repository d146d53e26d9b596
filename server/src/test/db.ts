import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../db/client.ts";
import { migrate, readMigrations } from "../db/migrate.ts";

/**
 * One database per test file: with DATABASE_URL, a PostgreSQL database cloned from a migrated
 * template (made once by global-setup.ts); without it, an in-memory PGlite, migrated here.
 * Under vitest the project decides which (vitest.config.ts, applied by use-services.ts).
 */
export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function templateName(): Promise<string> {
  const sums = (await readMigrations()).map((m) => m.checksum).join(",");
  return `mk_tpl_${createHash("sha256").update(sums).digest("hex").slice(0, 12)}`;
}

/** The URL of database `name` on the server of `serverUrl` (DATABASE_URL unless given). */
export function databaseUrl(name: string, serverUrl = process.env.DATABASE_URL!): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string, serverUrl = process.env.DATABASE_URL): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends Database {
  /** The PostgreSQL URL of this database (undefined on PGlite). */
  url?: string;
}

/**
 * A test database's name starts with the pid of the vitest process that runs the suite (the
 * worker's parent), so the teardown drops only its own run's databases and those of runs whose
 * process is gone: two suites on one PostgreSQL server never drop each other's.
 */
export function testDatabaseName(): string {
  return `mk_t_${process.ppid}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** The run pid a test database's name starts with (see testDatabaseName), or null. */
export function runPidOf(name: string): number | null {
  const m = /^mk_t_(\d+)_/.exec(name);
  return m ? Number(m[1]) : null;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!usingPostgres) {
    const database = await openDatabase({ dataDir: null });
    const conn = await database.connect();
    await migrate(conn);
    return database;
  }
  const name = testDatabaseName();
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${await templateName()}"`);
  const url = databaseUrl(name);
  const database = await openDatabase({ url, poolSize: 20 });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
