import type { FastifyInstance } from "fastify";
import { randomUUID } from "node:crypto";

/** Each request's id (Fastify's `genReqId`): in its log lines and its answer's X-Request-Id. */
export const newRequestId = (): string => randomUUID();

/**
 * Every response names its request id, so a user's report can be matched to the log line.
 * Hooks that do not wait are written with `done`: an async hook costs every request a promise.
 */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("x-request-id", req.id);
    done();
  });
}
