import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../trpc/context.ts";
import { missingProductStatus } from "../modules/storefront/storefront.service.ts";
import { catalogVersion } from "../modules/catalog/catalog-search.service.ts";
import { chooseEncoding, encodedBody } from "../http/kept-encodings.ts";
import { RenderedPageCache } from "./page-cache.ts";
import type { RenderPage } from "./renderer.ts";

/**
 * Public pages are the same for everyone (rendered as an anonymous visitor), so shared caches may
 * keep them briefly and serve a stale copy while they fetch a new one; browsers always ask again
 * (max-age=0), so a visitor never sees an old page after a reload for long.
 */
export const PUBLIC_PAGE_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=300";

/**
 * Answers a page request with the server-rendered page when its route is a public one (true), or
 * leaves it to the client-rendered shell (false: private pages, or a renderer that failed — the
 * browser then renders the page itself, as before server rendering).
 */
export function pageResponder(deps: AppDeps, render: RenderPage) {
  const cache = new RenderedPageCache(deps.config.SSR_PAGE_CACHE_MS);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const version = cache.ttlMs > 0 ? await catalogVersion(deps.database) : "";
    // Rendered once per URL and version however many ask at once (VersionedCache.getOrCompute).
    const page = await cache.getOrCompute(req.url, version, async () => {
      let rendered;
      try {
        rendered = await render(req.url);
      } catch (err) {
        req.log.error({ err, url: req.url }, "server rendering failed; sending the client-rendered page");
        return undefined;
      }
      if (rendered.clientOnly) return undefined;
      const status = rendered.missing?.kind === "product" ? await missingProductStatus(deps.database.prisma, rendered.missing.id) : rendered.status;
      return { status, body: Buffer.from(rendered.html) };
    });
    if (!page) return false;
    reply.code(page.status).header("content-type", "text/html; charset=utf-8").header("cache-control", PUBLIC_PAGE_CACHE).header("vary", "Accept-Encoding");
    // Compressed once per page and encoding, not once per request (kept-encodings.ts).
    const encoding = chooseEncoding(req.headers["accept-encoding"], page.body);
    await (encoding ? reply.header("content-encoding", encoding).send(encodedBody(page, encoding)) : reply.send(page.body));
    return true;
  };
}
