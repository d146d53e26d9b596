import { ConfigError, loadCommandConfig } from "../../config.ts";
import { openConfiguredDatabase } from "../bootstrap.ts";
import { seedDemo } from "../seed/index.ts";

/**
 * `pnpm db:seed`: migrates the configured database (PostgreSQL with DATABASE_URL, else the
 * embedded one in DATA_DIR) and adds the demo data. Refuses to run in production.
 */
async function main(): Promise<number> {
  const config = loadCommandConfig();
  if (config.isProduction) {
    console.error("[db:seed] refusing to seed demo data with NODE_ENV=production (demo accounts share a published password).");
    return 1;
  }
  const log = (msg: string) => console.log(`[db:seed] ${msg}`);
  const database = await openConfiguredDatabase(config, log);
  try {
    const startedAt = performance.now();
    const summary = await seedDemo(database.prisma);
    log(`${summary} (${Math.round(performance.now() - startedAt)} ms)`);
  } finally {
    await database.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const name = (err as Error).name;
    const expected = err instanceof ConfigError || name === "DataDirInUseError" || name === "MigrationError";
    console.error(expected ? `[db:seed] ${(err as Error).message}` : err);
    process.exit(1);
  },
);
