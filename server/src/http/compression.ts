import compress from "@fastify/compress";
import type { FastifyInstance } from "fastify";

/**
 * Answers above 1 KiB are compressed when the client accepts it (brotli, else gzip), with
 * `Vary: Accept-Encoding`: search pages and product lists shrink 5–10×. Brotli at quality 4
 * (@fastify/compress's default for dynamic answers: most of the gain for a fraction of the CPU of
 * 11). Images are left alone (their types are not compressible), and the built client's files are
 * compressed once at build time instead (static-client.ts serves the .br/.gz made by the build).
 * Socket.IO's traffic does not pass through Fastify's replies; WebSocket frames are not compressed.
 */
export const COMPRESS_THRESHOLD_BYTES = 1024;

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    threshold: COMPRESS_THRESHOLD_BYTES,
    encodings: ["br", "gzip"],
  });
}
