import type { Config } from "../config.ts";
import { openDatabase, type Database } from "./client.ts";
import { migrate } from "./migrate.ts";
import type { SqlConnection } from "./sql.ts";
import { seedDemo } from "./seed/index.ts";
import { StartupPhases } from "../lib/startup-phases.ts";

type Log = (msg: string) => void;

/**
 * Opens the configured database and brings it up to date: PostgreSQL when DATABASE_URL is set,
 * the embedded PGlite in DATA_DIR otherwise. The embedded database is seeded with demo data on
 * its first start (never in production). `phases` records how long each step took (main.ts
 * prints them).
 */
export async function openConfiguredDatabase(
  config: Config,
  log: Log,
  onReadRetry?: () => void,
  phases = new StartupPhases(),
): Promise<Database> {
  const database = await phases.time("open database", () =>
    config.DATABASE_URL
      ? openDatabase({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          onPoolError: (err) => log(`database connection lost: ${err.message}`),
          onReadRetry: (err) => {
            log(`read retried on another connection: ${err.message}`);
            onReadRetry?.();
          },
        })
      : openDatabase({ dataDir: config.dataDir }),
  );
  try {
    const applied = await phases.time("migrations", async () => {
      const conn = await connectWhenUp(database, config.DATABASE_WAIT_SECONDS * 1000, log);
      try {
        return await migrate(conn, { log });
      } finally {
        await conn.close();
      }
    });
    // A new embedded database: made by this start, from the migrated template (nothing applied)
    // or by applying every migration.
    const firstEmbeddedStart =
      database.kind === "pglite" && (database.created || (applied.length > 0 && applied.length === (await countMigrations(database))));
    if (firstEmbeddedStart && config.SEED_DEMO && !config.isProduction) {
      const summary = await phases.time("demo seed", () => seedDemo(database.prisma));
      log(`seeded demo data: ${summary}`);
    }
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

async function countMigrations(database: Database): Promise<number> {
  const rows = await database.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "_prisma_migrations"`;
  return rows[0]?.n ?? 0;
}

export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

/** Errors of a server that is not up yet (or not resolvable yet), as opposed to a refusal to let us in. */
const NOT_UP_YET = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "57P03"]);

/**
 * The first connection, waiting up to `waitMs` for a PostgreSQL that is still starting (compose
 * and Kubernetes start the app and its database together). A wrong password or database fails at
 * once; a server still away after the wait is a DatabaseUnreachableError naming where and why.
 */
async function connectWhenUp(database: Database, waitMs: number, log: Log): Promise<SqlConnection> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.connect();
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      const notUpYet = NOT_UP_YET.has(code) || /timeout/i.test((err as Error).message);
      if (database.kind !== "postgres" || !notUpYet) throw err;
      const reason = `${code || (err as Error).message}`;
      if (Date.now() >= deadline) {
        throw new DatabaseUnreachableError(`PostgreSQL at ${database.address} is not reachable (${reason}); gave up after ${Math.round(waitMs / 1000)} s`);
      }
      if (attempt === 1) log(`waiting for PostgreSQL at ${database.address} (${reason})…`);
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2_000, Math.max(deadline - Date.now(), 0))));
    }
  }
}
