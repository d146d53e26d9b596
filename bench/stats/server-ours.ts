/**
 * "Ours": the real marketplace server in its own process, built as server/src/main.ts builds it
 * (PostgreSQL pool, memory limiter store, nullSink, TestPaymentProvider) with NODE_ENV=production,
 * a rate limit no benchmark reaches, logs off, the sweeper and the rollup rebuilder's own rounds
 * off (nothing is written during the run; each request still makes the freshness check). A request
 * goes through Fastify, the security hooks, tRPC, zod, superjson, the session lookup and Prisma:
 * `GET /trpc/admin.stats`, `GET /trpc/seller.stats`.
 *
 * Env: see protocol.ts (ServerEnv). Started by run.ts (it needs the IPC channel).
 */
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { nullSink } from "../../server/src/realtime/publish.ts";
import { createServer } from "../../server/src/server.ts";
import { serveRunner } from "../lib/server-side.ts";

const runner = serveRunner("bench/stats/server-ours.ts", () => server.stop());

const config = loadConfig({
  NODE_ENV: "production",
  MAIL: "off",
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
  DATABASE_URL: process.env.DATABASE_URL,
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "10",
  RATE_LIMIT_PER_MINUTE: "100000000",
  SWEEP_INTERVAL_SECONDS: "0",
  STATS_ROLLUP_INTERVAL_SECONDS: "0",
  STATS_TIME_ZONE: "UTC",
  STATS_ADMIN_CACHE_MS: process.env.STATS_ADMIN_CACHE_MS ?? "0",
  REQUIRE_ADMIN_2FA: "false",
  PAYMENTS: "test",
  SEED_DEMO: "false",
  CLIENT_DIST: "/nonexistent",
  DATA_DIR: path.join(os.tmpdir(), "mk-bench-stats"), // uploads folder; nothing is uploaded
});
const database = await openDatabase({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE });
const server = await createServer({ config, database, limits: memoryLimiterStore(), sink: nullSink, payments: new TestPaymentProvider(), metrics: createMetrics() });
runner.ready(await server.start());
