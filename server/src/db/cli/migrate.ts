import { ConfigError, loadCommandConfig } from "../../config.ts";
import { openConfiguredDatabase } from "../bootstrap.ts";

/**
 * `pnpm db:migrate` (and `node server/dist/cli/migrate.js` in the image, e.g. as a Kubernetes
 * Job): applies pending migrations to the configured database under the migrator's advisory
 * lock, then exits. Never seeds (the server's own start may, on a first embedded start).
 */
async function main(): Promise<number> {
  const config = loadCommandConfig();
  const log = (msg: string) => console.log(`[db:migrate] ${msg}`);
  const startedAt = performance.now();
  const database = await openConfiguredDatabase({ ...config, SEED_DEMO: false }, log);
  await database.close();
  log(`database is up to date (${Math.round(performance.now() - startedAt)} ms)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const name = (err as Error).name;
    const expected =
      err instanceof ConfigError || name === "DataDirInUseError" || name === "MigrationError" || name === "DatabaseUnreachableError";
    console.error(expected ? `[db:migrate] ${(err as Error).message}` : err);
    process.exit(1);
  },
);
