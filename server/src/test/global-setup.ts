import pg from "pg";
import { ensureTemplate } from "../db/pglite-template.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { adminQuery, databaseUrl, runPidOf, templateName, usingPostgres } from "./db.ts";

/**
 * With DATABASE_URL: migrate a template database once (named after the migrations' checksums),
 * so each test file's database is a fast `CREATE DATABASE … TEMPLATE` copy of it.
 */
export async function setup() {
  // Each PGlite test file's database starts from the migrated template (pglite-template.ts):
  // made here once if a migration changed since the install made it.
  if (!usingPostgres) {
    await ensureTemplate();
    return;
  }
  const name = await templateName();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (rows.length) return;
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const database = await openDatabase({ url: databaseUrl(name) });
  try {
    const conn = await database.connect();
    await migrate(conn);
    await conn.close();
  } catch (err) {
    await database.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw err;
  }
  await database.close();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Drops this run's test databases, and those a crashed run left behind (its process is gone). */
export async function teardown() {
  if (!usingPostgres) return;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'mk\\_t\\_%'`);
    const ours = rows.filter(({ datname }) => {
      const pid = runPidOf(datname);
      return pid === null || pid === process.pid || !isAlive(pid);
    });
    for (const { datname } of ours) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
