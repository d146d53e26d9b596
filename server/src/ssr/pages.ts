import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../trpc/context.ts";
import { missingProductStatus } from "../modules/storefront/storefront.service.ts";
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
  return async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    let page;
    try {
      page = await render(req.url);
    } catch (err) {
      req.log.error({ err, url: req.url }, "server rendering failed; sending the client-rendered page");
      return false;
    }
    if (page.clientOnly) return false;
    const status = page.missing?.kind === "product" ? await missingProductStatus(deps.database.prisma, page.missing.id) : page.status;
    await reply
      .code(status)
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", PUBLIC_PAGE_CACHE)
      .header("vary", "Accept-Encoding")
      .send(page.html);
    return true;
  };
}
