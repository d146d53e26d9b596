/**
 * "Ours": the real marketplace server in its own process, built as server/src/main.ts builds it
 * (PostgreSQL pool, memory limiter store, nullSink, TestPaymentProvider) with the configuration of
 * config.ts (production, a rate limit and hold limits out of reach, logs and the sweeper off). A checkout goes
 * through Fastify, the security hooks, tRPC, zod, superjson, the session lookup and Prisma, as in
 * production: `POST /trpc/checkout.placeOrder`.
 */
import { openDatabase } from "../../server/src/db/client.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { nullSink } from "../../server/src/realtime/publish.ts";
import { createServer } from "../../server/src/server.ts";
import { serveRunner } from "../lib/server-side.ts";
import { checkoutConfig } from "./config.ts";

const runner = serveRunner("bench/checkout/server-ours.ts", () => server.stop());
const config = checkoutConfig(process.env);
const database = await openDatabase({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE });
// BENCH_TX_MAX_WAIT=<ms>: what-if for the finding in bench/README.md ("Checkout"): Prisma's
// interactive transactions wait at most 2 s for a pool connection (maxWait) and run at most 5 s
// (timeout) by default; under a burst of 200 checkouts on 20 connections some wait longer and
// fail with a 500. This raises both, as a `transactionOptions` in the server would.
const txWait = Number(process.env.BENCH_TX_MAX_WAIT ?? "0");
if (txWait > 0) {
  const prisma = database.prisma as unknown as { $transaction: (arg: unknown, options?: object) => Promise<unknown> };
  const original = prisma.$transaction.bind(prisma);
  prisma.$transaction = (arg, options) => original(arg, typeof arg === "function" ? { maxWait: txWait, timeout: txWait, ...options } : options);
}
const server = await createServer({ config, database, limits: memoryLimiterStore(), sink: nullSink, payments: new TestPaymentProvider(), metrics: createMetrics() });
runner.ready(await server.start());
