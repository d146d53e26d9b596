import type { FastifyInstance } from "fastify";
import type { Metrics } from "./metrics.ts";

/** The route label of a request no route matched (a 404, or a page the client app answers). */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * Times every response of the public app by method, route pattern (`/trpc/:path`, never the raw
 * URL, so a scan of random paths adds one series, not thousands) and status code. Socket.IO's
 * requests are answered before Fastify sees them, and are not in it.
 */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", (req, reply, done) => {
    metrics.httpRequestDuration.observe(req.method, req.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
