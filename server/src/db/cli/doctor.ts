import { existsSync } from "node:fs";
import { ConfigError, loadCommandConfig } from "../../config.ts";
import { openDatabase } from "../client.ts";
import { doctorChecks } from "../../modules/doctor/checks.ts";
import { formatReport, runChecks } from "../../modules/doctor/doctor.service.ts";

/**
 * `pnpm doctor`: the marketplace's consistency checks (modules/doctor) on the configured database,
 * in one read-only snapshot; safe on a live PostgreSQL. Prints each check with its counts and
 * first offending ids; exits 1 when one fails (2 when it could not run). It never migrates: a
 * database it does not know the schema of fails its checks instead of being changed. The
 * embedded database can be checked only while no server holds it.
 */
async function main(): Promise<number> {
  const config = loadCommandConfig();
  if (!config.DATABASE_URL && !existsSync(config.dataDir)) {
    console.error(`[doctor] no embedded database in ${config.dataDir} (set DATABASE_URL or DATA_DIR)`);
    return 2;
  }
  const database = config.DATABASE_URL ? await openDatabase({ url: config.DATABASE_URL, poolSize: 1 }) : await openDatabase({ dataDir: config.dataDir, fromTemplate: false });
  try {
    console.log(`[doctor] ${database.kind} ${database.address}`);
    const report = await runChecks(database.prisma, doctorChecks({ sweepIntervalSeconds: config.SWEEP_INTERVAL_SECONDS }));
    console.log(formatReport(report));
    if (process.argv.includes("--json")) console.log(JSON.stringify(report));
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const name = (err as Error).name;
    const expected = err instanceof ConfigError || name === "DataDirInUseError";
    console.error(expected ? `[doctor] ${(err as Error).message}` : err);
    process.exit(2);
  },
);
