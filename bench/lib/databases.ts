import pg from "pg";
import { openDatabase, type Database } from "../../server/src/db/client.ts";
import { migrate } from "../../server/src/db/migrate.ts";

/**
 * The benchmarks' own databases on a PostgreSQL server: each run creates one (or a template and
 * its copies) through an admin connection and drops it at the end, also after a failure.
 */

/** The URL of database `name` on the server of `adminUrl`. */
export function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One statement on a connection of its own (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Names are quoted into SQL: only lower-case letters, digits and underscores pass. */
export function checkDatabaseName(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  checkDatabaseName(name);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * A fresh database `name` (any leftover dropped), migrated by the project's own migrator and
 * opened with a pool of `poolSize`. The caller closes it.
 */
export async function createMigratedDatabase(adminUrl: string, name: string, poolSize: number): Promise<{ url: string; database: Database }> {
  checkDatabaseName(name);
  await dropDatabase(adminUrl, name);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ url, poolSize });
  try {
    const conn = await database.connect();
    try {
      await migrate(conn);
    } finally {
      await conn.close();
    }
  } catch (err) {
    await database.close();
    throw err;
  }
  return { url, database };
}
