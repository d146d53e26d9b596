/**
 * "Raw + transport": the raw server (server-raw.ts) with what the marketplace's server puts around
 * every request, registered as server/src/server.ts registers it, from the same modules: the
 * logger (pino at LOG_LEVEL silent, the request logger factory), the request id, drain tracking,
 * the HTTP metrics, the security hooks (helmet's headers, the per-IP request budget, the JSON-only
 * mutations check), the compressor's hooks and the cookie parser. Started with
 * BENCH_RAW_TRANSPORT=1 by the overhead benchmark (overhead.ts): ours against it is what tRPC,
 * superjson and the answer cache's hooks cost; it against raw is what those transport parts cost.
 */
import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import { loadConfig } from "../../server/src/config.ts";
import { registerCompression } from "../../server/src/http/compression.ts";
import { trackDrain } from "../../server/src/http/drain.ts";
import { newRequestId, registerRequestId } from "../../server/src/http/request-id.ts";
import { registerSecurity } from "../../server/src/http/security.ts";
import { loggerOptions, requestLogger } from "../../server/src/lib/logger.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";
import { registerHttpMetrics } from "../../server/src/metrics/http-metrics.ts";

export async function fastifyWithTransport(): Promise<FastifyInstance> {
  // As server-ours.ts configures the marketplace (production, logs off, a budget no run reaches).
  const config = loadConfig({ NODE_ENV: "production", LOG_LEVEL: "silent", RATE_LIMIT_PER_MINUTE: "100000000", PAYMENTS: "test", MAIL: "off" });
  const app = Fastify({ logger: loggerOptions(config), genReqId: newRequestId });
  app.setChildLoggerFactory(requestLogger);
  trackDrain(app);
  registerHttpMetrics(app, createMetrics());
  registerRequestId(app);
  await registerSecurity(app, config);
  await registerCompression(app);
  await app.register(cookie);
  return app;
}
