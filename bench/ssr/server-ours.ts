/**
 * The real marketplace server for the server-rendering benchmark, in its own process:
 * `BENCH_CLIENT_DIST` is the built client it serves. With the client's server build beside it
 * (`<dist>-ssr`) the public pages are server-rendered; pointed at a copy of the client without it,
 * the same server sends the client-rendered shell (today's behaviour before server rendering).
 * `BENCH_SSR_PAGE_CACHE_MS` sets SSR_PAGE_CACHE_MS (the reuse of rendered pages; default the server's).
 * Rate limit out of reach, logs off, background loops off.
 */
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { nullSink } from "../../server/src/realtime/publish.ts";
import { createServer } from "../../server/src/server.ts";
import { serveRunner } from "../lib/server-side.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";

const runner = serveRunner("bench/ssr/server-ours.ts", () => server.stop());

const config = loadConfig({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: "silent",
  DATABASE_URL: process.env.DATABASE_URL,
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "10",
  RATE_LIMIT_PER_MINUTE: "100000000",
  SOCKET_REQUESTS_PER_MINUTE: "100000000",
  SOCKET_CONNECTIONS_PER_IP: "100000",
  SWEEP_INTERVAL_SECONDS: "0",
  UPLOAD_SWEEP_INTERVAL_SECONDS: "0",
  STATS_ROLLUP_INTERVAL_SECONDS: "0",
  MAIL: "off",
  PAYMENTS: "test",
  SEED_DEMO: "false",
  REQUIRE_ADMIN_2FA: "false",
  CLIENT_DIST: process.env.BENCH_CLIENT_DIST,
  SSR_PAGE_CACHE_MS: process.env.BENCH_SSR_PAGE_CACHE_MS,
  DATA_DIR: path.join(os.tmpdir(), "mk-bench-ssr"),
});
const database = await openDatabase({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE });
const server = await createServer({ config, database, limits: memoryLimiterStore(), sink: nullSink, payments: new TestPaymentProvider(), metrics: createMetrics() });
runner.ready(await server.start());
