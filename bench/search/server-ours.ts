/**
 * "Ours": the real marketplace server in its own process, built as server/src/main.ts builds it
 * (PostgreSQL pool, memory limiter store, nullSink, TestPaymentProvider), with a rate limit no
 * benchmark reaches, logs off and the background workers off. Requests go through Fastify, the
 * security hooks, tRPC, zod, superjson and Prisma's `$queryRaw`, as in production.
 *
 * Env: see protocol.ts (ServerEnv). Started by run.ts (it needs the IPC channel).
 */
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { facetCacheFor } from "../../server/src/modules/catalog/catalog-facet-cache.ts";
import { resultCacheFor } from "../../server/src/modules/catalog/catalog-result-cache.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { nullSink } from "../../server/src/realtime/publish.ts";
import { createServer } from "../../server/src/server.ts";
import { serveRunner } from "../lib/server-side.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";


const runner = serveRunner("bench/search/server-ours.ts", () => server.stop());

const config = loadConfig({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: "silent",
  DATABASE_URL: process.env.DATABASE_URL,
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "10",
  RATE_LIMIT_PER_MINUTE: "100000000",
  // The background workers are off, as they are in raw: they do no search work, and their rounds
  // (a sales-rollup round every 10 s, payouts every minute) would be counted as search CPU.
  SWEEP_INTERVAL_SECONDS: "0",
  STATS_ROLLUP_INTERVAL_SECONDS: "0",
  PAYOUT_INTERVAL_SECONDS: "0",
  UPLOAD_SWEEP_INTERVAL_SECONDS: "0",
  PAYMENTS: "test",
  SEED_DEMO: "false",
  MAIL: "off", // production requires a mail relay otherwise; the search sends none
  CLIENT_DIST: "/nonexistent",
  DATA_DIR: path.join(os.tmpdir(), "mk-bench-search"), // uploads folder; nothing is uploaded
});
const database = await openDatabase({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE });
facetCacheFor(database.prisma).ttlMs = Number(process.env.BENCH_FACET_TTL_MS ?? "10000");
resultCacheFor(database.prisma, null).ttlMs = Number(process.env.BENCH_RESULT_TTL_MS ?? "30000");
const server = await createServer({ config, database, limits: memoryLimiterStore(), sink: nullSink, payments: new TestPaymentProvider(), metrics: createMetrics() });
runner.ready(await server.start());
