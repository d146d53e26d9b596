import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../../scope.ts";
import { robotsTxt, sitePages, sitemapIndex, sitemapPage, SITEMAP_PAGE_SIZE } from "./sitemap.service.ts";

/** Crawlers may keep these for an hour; a new product shows in the next read after that. */
const CACHE = "public, max-age=3600";

/**
 * `/robots.txt`, `/sitemap.xml` (the index) and `/sitemaps/<kind>-<page>.xml`, streamed. The page
 * size is the protocol's 50,000 URLs (tests pass a smaller one only to keep their data small).
 */
export async function registerSitemaps(app: FastifyInstance, deps: AppDeps, pageSize = SITEMAP_PAGE_SIZE): Promise<void> {
  const { publicUrl } = deps.config;
  const xml = "application/xml; charset=utf-8";
  app.get("/robots.txt", async (_req, reply) => reply.header("content-type", "text/plain; charset=utf-8").header("cache-control", CACHE).send(robotsTxt(publicUrl)));
  app.get("/sitemap.xml", async (_req, reply) =>
    reply.header("content-type", xml).header("cache-control", CACHE).send(Readable.from(sitemapIndex(deps.database, publicUrl, pageSize))),
  );
  app.get<{ Params: { file: string } }>("/sitemaps/:file", async (req, reply) => {
    if (req.params.file === "pages.xml") return reply.header("content-type", xml).header("cache-control", CACHE).send(Readable.from(sitePages(publicUrl)));
    const match = /^(products|shops)-([1-9][0-9]{0,5})\.xml$/.exec(req.params.file);
    const page = match ? await sitemapPage(deps.database, publicUrl, match[1] as "products" | "shops", Number(match[2]), pageSize) : null;
    if (!page) return reply.code(404).send({ error: "Not Found", message: "No such sitemap", statusCode: 404 });
    return reply.header("content-type", xml).header("cache-control", CACHE).send(Readable.from(page));
  });
}
