import type { Config } from "../config.ts";
import { openDatabase, type Database } from "./client.ts";
import { migrate } from "./migrate.ts";
import { seedDemo } from "./seed/index.ts";

type Log = (msg: string) => void;

/**
 * Opens the configured database and brings it up to date: PostgreSQL when DATABASE_URL is set,
 * the embedded PGlite in DATA_DIR otherwise. The embedded database is seeded with demo data on
 * its first start (never in production).
 */
export async function openConfiguredDatabase(config: Config, log: Log): Promise<Database> {
  const database = config.DATABASE_URL
    ? await openDatabase({
        url: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        onPoolError: (err) => log(`database connection lost: ${err.message}`),
      })
    : await openDatabase({ dataDir: config.dataDir });
  try {
    const conn = await database.connect();
    let applied: string[];
    try {
      applied = await migrate(conn, { log });
    } finally {
      await conn.close();
    }
    const firstEmbeddedStart = database.kind === "pglite" && applied.length > 0 && applied.length === (await countMigrations(database));
    if (firstEmbeddedStart && config.SEED_DEMO && !config.isProduction) {
      const summary = await seedDemo(database.prisma);
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
