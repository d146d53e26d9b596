import type { FastifyInstance } from "fastify";

/**
 * tRPC's Fastify adapter answers with a fetch `Response`, which Fastify pumps through a web
 * stream reader and sends chunked; the compressor then compresses it as a stream, whatever its
 * size (its 1 KiB threshold applies only to answers it gets whole). A procedure's answer is one
 * JSON document (streamed answers, `application/jsonl` or `text/event-stream`, are left as they
 * are), so this hook reads it whole and hands Fastify the bytes: sent with a Content-Length,
 * small answers left uncompressed, large ones compressed in one call.
 */
export function registerWholeJsonAnswers(app: FastifyInstance): void {
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (Object.prototype.toString.call(payload) !== "[object Response]") return done(null, payload);
    const response = payload as Response;
    if (!response.body || !(response.headers.get("content-type") ?? "").startsWith("application/json")) return done(null, payload);
    // What Fastify does with a Response it streams: its status and headers become the reply's.
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    response.arrayBuffer().then(
      (bytes) => done(null, Buffer.from(bytes)),
      (err: Error) => done(err),
    );
  });
}
