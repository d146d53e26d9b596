import { ConfigError, loadConfig, startupWarnings } from "./config.ts";
import { openConfiguredDatabase } from "./db/bootstrap.ts";
import { Redis } from "ioredis";
import { memoryLimiterStore } from "./lib/rate-limiter.ts";
import { redisLimiterStore } from "./lib/redis-rate-limiter.ts";
import { redisCacheStore } from "./lib/shared-cache-store.ts";
import { nullSink } from "./realtime/publish.ts";
import { createPaymentProvider } from "./modules/payments/index.ts";
import { createServer } from "./server.ts";
import { createMetrics } from "./metrics/metrics.ts";
import { StartupPhases } from "./lib/startup-phases.ts";
import { clientBuildFinished } from "./client-build.ts";

/** Start: config → database (migrate; seed on the first embedded start) → server → listen. */
async function main() {
  const phases = new StartupPhases();
  const config = loadConfig();
  const log = (msg: string) => console.log(`[marketplace] ${msg}`);
  for (const warning of startupWarnings(config)) console.warn(`[marketplace] ${warning}`);
  // One registry for the process; served on METRICS_PORT only, never on the public port.
  const metrics = createMetrics();
  const database = await openConfiguredDatabase(config, log, () => metrics.readRetries.inc(), phases);
  // With REDIS_URL the attempt limits (logins, sign-ups, password checks, Socket.IO requests) are
  // shared by every process; alone, one process counts.
  const limiterRedis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2_000) })
    : null;
  limiterRedis?.on("error", () => {}); // outages are reported by the real-time adapter's client
  const limits = limiterRedis ? redisLimiterStore(limiterRedis, config.REDIS_KEY_PREFIX) : memoryLimiterStore();
  if (limiterRedis) metrics.watchRedis("limits", () => limiterRedis.status === "ready");
  // The same connection carries the shared caches (the catalog's search results): one computation
  // of a broad query per catalog change for every process, not one per process.
  const sharedCache = limiterRedis ? redisCacheStore(limiterRedis, config.REDIS_KEY_PREFIX) : undefined;
  // The root `pnpm start` builds the client meanwhile (client-build.ts): served once it is there.
  await phases.time("waiting for the client build", () => clientBuildFinished());
  const server = await phases.time("server", () =>
    createServer({ config, database, limits, sink: nullSink, payments: createPaymentProvider(config), metrics, sharedCache }),
  );
  const url = await phases.time("listen", () => server.start());

  // SIGTERM/SIGINT: readiness false for DRAIN_DELAY_MS, then stop accepting, finish in-flight
  // requests, publish their events, close sockets, Redis and the database (server.ts), exit 0 —
  // or exit 1 if that takes more than 10 s after the drain delay.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      console.error("[marketplace] shutdown took over 10 s after the drain delay; exiting");
      process.exit(1);
    }, config.DRAIN_DELAY_MS + 10_000).unref();
    server.stop().then(() => limiterRedis?.disconnect()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // Announced once the handlers are in place: a supervisor that stops the process as soon as it
  // reads this line gets a clean shutdown, not the signal's default (killed, no exit code).
  log(
    `listening on ${url} (${database.kind === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"}; ` +
      `uploaded images: ${config.UPLOAD_STORE}) ` +
      `${Math.round(performance.now())} ms after the process started, ${cpuMs()} ms of CPU (${phases.summary()})`,
  );
  if (server.metricsUrl) log(`metrics on ${server.metricsUrl}${config.metrics?.token ? " (bearer token required)" : ""}`);
}

/** CPU time this process has used (user + system): unlike the wall time, hardly moved by other processes' load. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** Errors that say what is wrong in their message: printed as one line, without a stack. */
const STARTUP_ERRORS = new Set(["DataDirInUseError", "MigrationError", "DatabaseUnreachableError", "ClientBuildError"]);

main().catch((err: unknown) => {
  if (err instanceof ConfigError || STARTUP_ERRORS.has((err as Error).name)) {
    console.error(`[marketplace] ${(err as Error).message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
