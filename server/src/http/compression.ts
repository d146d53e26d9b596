import compress from "@fastify/compress";
import type { FastifyInstance } from "fastify";
import { BROTLI_OPTIONS, COMPRESS_THRESHOLD_BYTES, ENCODINGS } from "./kept-encodings.ts";

/**
 * Answers of 1 KiB and more are compressed when the client accepts it (brotli, else gzip), with
 * `Vary: Accept-Encoding`: search pages and product lists shrink 5–10×. Brotli at quality 4
 * (@fastify/compress's default for dynamic answers: most of the gain for a fraction of the CPU of
 * 11). Images are left alone (their types are not compressible), and the built client's files are
 * compressed once at build time instead (static-client.ts serves the .br/.gz made by the build).
 * Socket.IO's traffic does not pass through Fastify's replies; WebSocket frames are not compressed.
 *
 * A client that drops a streamed answer (a browser leaving the page) is no error of the server's.
 * Fastify takes it for one when the answer's headers have not gone out yet and the request is not
 * marked aborted; Node marks only requests whose body was still arriving, so a POST (a tRPC
 * mutation: its body read, its answer streamed through the compressor, brotli holding the first
 * bytes back) was logged as a 500 "Premature close". The response closing before it finished is
 * what tells the client left: the request is marked aborted then (or at once, when the connection
 * was gone before the answer started), and Fastify logs the drop at info.
 */

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: [...ENCODINGS],
    brotliOptions: BROTLI_OPTIONS,
  });
  // After the compressor's own hook: the payload is then the compressed stream Fastify will pipe.
  app.addHook("onSend", (request, reply, payload, done) => {
    if (typeof (payload as { pipe?: unknown } | null)?.pipe === "function") {
      // Gone already (the client left while the handler worked, e.g. a sign-in's password check):
      // the close event is past, so mark the request now.
      if (reply.raw.destroyed || request.raw.socket.destroyed) request.raw.aborted = true;
      else
        reply.raw.once("close", () => {
          if (!reply.raw.writableFinished) request.raw.aborted = true;
        });
    }
    done(null, payload);
  });
}
