import { ConfigError, loadConfig } from "./config.ts";
import { openConfiguredDatabase } from "./db/bootstrap.ts";
import { MemoryRateLimiter } from "./lib/rate-limiter.ts";
import { nullSink } from "./realtime/publish.ts";
import { createServer } from "./server.ts";

/** Start: config → database (migrate; seed on the first embedded start) → server → listen. */
async function main() {
  const startedAt = performance.now();
  const config = loadConfig();
  const log = (msg: string) => console.log(`[marketplace] ${msg}`);
  const database = await openConfiguredDatabase(config, log);
  const server = await createServer({ config, database, limiter: new MemoryRateLimiter(), sink: nullSink });
  const url = await server.start();
  log(
    `listening on ${url} (${database.kind === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"}) ` +
      `in ${Math.round(performance.now() - startedAt)} ms`,
  );

  // SIGTERM/SIGINT: stop accepting, finish in-flight requests, close sockets and the database,
  // exit 0 — or exit 1 if that takes more than 10 s.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      console.error("[marketplace] shutdown took over 10 s; exiting");
      process.exit(1);
    }, 10_000).unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || (err as Error).name === "DataDirInUseError" || (err as Error).name === "MigrationError") {
    console.error(`[marketplace] ${(err as Error).message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
