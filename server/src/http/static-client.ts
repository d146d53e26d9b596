import { existsSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Answers a page request itself (a server-rendered public page) and returns true, or returns false. */
export type PageResponder = (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** Paths the single-page app never owns: they 404 as JSON instead of falling back to index.html. */
const API_PREFIXES = ["/trpc", "/socket.io", "/webhooks", "/uploads", "/healthz", "/readyz", "/metrics"];

/**
 * Serves the built Vue client when it exists: hashed assets cached for a year, index.html never
 * cached, brotli or gzip made at build time, and a history-mode fallback so a deep link like /account loads the app.
 * Returns false when there is no build to serve (tests, `pnpm dev`). With a server renderer, each
 * page request goes to it first; what it does not render (private pages) gets the shell.
 */
export async function serveClient(app: FastifyInstance, distDir: string, renderPage?: PageResponder): Promise<boolean> {
  const index = path.join(distDir, "index.html");
  if (!existsSync(index)) return false;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: "/",
    wildcard: false,
    index: false,
    // The build writes a .br and a .gz beside each text file (client/vite.config.ts): sent as
    // they are to a client that accepts them, with Vary: Accept-Encoding, never compressed again.
    preCompressed: true,
    setHeaders(res, filePath) {
      const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
      res.header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  const shell = (reply: FastifyReply) => reply.header("Cache-Control", "no-cache").sendFile("index.html");
  app.get("/", async (req, reply) => ((await renderPage?.(req, reply)) ? reply : shell(reply)));
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0] ?? "/";
    const wantsPage =
      (req.method === "GET" || req.method === "HEAD") &&
      !API_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`)) &&
      !path.extname(url) &&
      (req.headers.accept ?? "").includes("text/html");
    if (wantsPage) return renderPage ? renderPage(req, reply).then((done) => (done ? reply : shell(reply))) : shell(reply);
    return reply.code(404).send({ error: "Not Found", message: `Route ${req.method}:${url} not found`, statusCode: 404 });
  });
  return true;
}
