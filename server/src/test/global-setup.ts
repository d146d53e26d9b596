import pg from "pg";
import { ensureTemplate } from "../db/pglite-template.ts";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { adminQuery, databaseUrl, runPidOf, templateName } from "./db.ts";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./embedded-postgres.ts";
import { freePort, hasRedisServer, PrivateRedis } from "./redis-server.ts";

/**
 * Once per run, in vitest's main process: the services the tests need, so that `pnpm test` runs
 * every test on a machine that has none installed.
 *
 * - PostgreSQL: DATABASE_URL when set (CI sets it), else a throwaway server from npm.
 * - Redis: REDIS_URL when set, else a private redis-server when the binary is on PATH, else none
 *   (the tests that need it are skipped, and skipped-reporter.ts names them in one loud line).
 *
 * Their URLs reach the test workers through `provide` (use-services.ts applies them there).
 */
let embedded: ThrowawayPostgres | undefined;
let redis: PrivateRedis | undefined;

export async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  if (!url) {
    embedded = await startThrowawayPostgres();
    url = embedded.url;
  }
  let redisUrl = process.env.REDIS_URL || undefined;
  if (!redisUrl && hasRedisServer) {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    process.once("exit", killRedis);
    redisUrl = redis.url;
  }
  // Each PGlite test file's database starts from the migrated template (pglite-template.ts):
  // made here once if a migration changed since the install made it.
  await ensureTemplate();
  project.provide("testServices", { databaseUrl: url, redisUrl: redisUrl ?? null, embeddedPostgres: Boolean(embedded) });
  await createTemplate(url);
}

const killRedis = () => redis?.kill();

/**
 * Migrates a template database once (named after the migrations' checksums), so each test file's
 * database is a fast `CREATE DATABASE … TEMPLATE` copy of it.
 */
async function createTemplate(serverUrl: string) {
  const name = await templateName();
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (rows.length) return;
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const database = await openDatabase({ url: databaseUrl(name, serverUrl) });
  try {
    const conn = await database.connect();
    await migrate(conn);
    await conn.close();
  } catch (err) {
    await database.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, serverUrl);
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

/**
 * Stops what setup started. On a PostgreSQL of DATABASE_URL, drops this run's test databases and
 * those a crashed run left behind (its process is gone); a throwaway server goes whole.
 */
export async function teardown() {
  if (redis) {
    await redis.stop();
    process.off("exit", killRedis);
  }
  if (embedded) return embedded.stop();
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

declare module "vitest" {
  export interface ProvidedContext {
    testServices: {
      /** The PostgreSQL server the postgres project's test databases are made on. */
      databaseUrl: string;
      /** REDIS_URL, or the private redis-server's; null when there is no Redis for this run. */
      redisUrl: string | null;
      embeddedPostgres: boolean;
    };
  }
}
