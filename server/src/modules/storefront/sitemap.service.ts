import { Prisma } from "../../generated/prisma/client.ts";
import type { Database } from "../../db/client.ts";

/**
 * The sitemaps (sitemaps.org 0.9): an index naming one sitemap of the site's own pages, then the
 * listed products and the active shops in pages of at most 50,000 URLs (the protocol's limit),
 * each with its `lastmod` from the rows' updatedAt. A page is read in batches by id (keyset) and
 * written as it is read, so a page of 50,000 URLs never sits whole in memory.
 */
export const SITEMAP_PAGE_SIZE = 50_000;
const BATCH = 5_000;

export type SitemapKind = "products" | "shops";

/** The rows each kind lists: what a visitor can open (the catalog's own visibility rule). */
const LISTED: Record<SitemapKind, { from: Prisma.Sql; path: string }> = {
  products: {
    from: Prisma.sql`products p JOIN shops s ON s.id = p.shop_id WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE'`,
    path: "/products/",
  },
  shops: { from: Prisma.sql`shops p WHERE p.status = 'ACTIVE'`, path: "/shops/" },
};
const KEY: Record<SitemapKind, Prisma.Sql> = { products: Prisma.sql`p.id`, shops: Prisma.sql`p.slug` };

interface PageFigure {
  page: number;
  lastmod: Date | null;
}

/** Each page of a kind, with the newest change among its rows. */
async function pagesOf(database: Database, kind: SitemapKind, pageSize: number): Promise<PageFigure[]> {
  const rows = (await database.read(Prisma.sql`
    SELECT page::int AS page, max(updated_at) AS lastmod FROM (
      SELECT p.updated_at, (row_number() OVER (ORDER BY p.id) - 1) / ${pageSize} + 1 AS page FROM ${LISTED[kind].from}
    ) numbered GROUP BY page ORDER BY page`)) as { page: number; lastmod: Date | string | null }[];
  return rows.map((r) => ({ page: Number(r.page), lastmod: r.lastmod === null ? null : new Date(r.lastmod) }));
}

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** XML text: the five characters XML reserves, escaped (URLs hold `&` in queries). */
export function xmlText(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

const day = (d: Date) => d.toISOString();

/** The sitemap index: the site's pages, then every page of products and of shops. */
export async function* sitemapIndex(database: Database, publicUrl: string, pageSize = SITEMAP_PAGE_SIZE): AsyncGenerator<string> {
  yield `${HEAD}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n`;
  yield `<sitemap><loc>${xmlText(`${publicUrl}/sitemaps/pages.xml`)}</loc></sitemap>\n`;
  for (const kind of ["products", "shops"] as const) {
    for (const { page, lastmod } of await pagesOf(database, kind, pageSize)) {
      yield `<sitemap><loc>${xmlText(`${publicUrl}/sitemaps/${kind}-${page}.xml`)}</loc>${lastmod ? `<lastmod>${day(lastmod)}</lastmod>` : ""}</sitemap>\n`;
    }
  }
  yield "</sitemapindex>\n";
}

/** The site's own public pages that are not products or shops. */
export function* sitePages(publicUrl: string): Generator<string> {
  yield `${HEAD}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n`;
  for (const path of ["/", "/search"]) yield `<url><loc>${xmlText(`${publicUrl}${path}`)}</loc></url>\n`;
  yield "</urlset>\n";
}

/**
 * One page of a kind's URLs (1-based), or null when there is no such page. The first batch is
 * read before anything is written, so a page past the end is a 404, not an empty sitemap.
 */
export async function sitemapPage(
  database: Database,
  publicUrl: string,
  kind: SitemapKind,
  page: number,
  pageSize = SITEMAP_PAGE_SIZE,
): Promise<AsyncGenerator<string> | null> {
  const { from, path } = LISTED[kind];
  const key = KEY[kind];
  const batch = async (after: string | null, limit: number) =>
    (await database.read(Prisma.sql`
      SELECT p.id AS id, ${key} AS key, p.updated_at AS lastmod FROM ${from}
      ${after === null ? Prisma.empty : Prisma.sql`AND p.id > ${after}`}
      ORDER BY p.id ${after === null ? Prisma.sql`OFFSET ${(page - 1) * pageSize}` : Prisma.empty} LIMIT ${limit}`)) as {
      id: string;
      key: string;
      lastmod: Date | string;
    }[];
  const first = await batch(null, Math.min(BATCH, pageSize));
  if (!first.length) return null;
  return (async function* () {
    yield `${HEAD}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n`;
    let rows = first;
    let written = 0;
    while (rows.length) {
      yield rows
        .map((r) => `<url><loc>${xmlText(`${publicUrl}${path}${encodeURIComponent(r.key)}`)}</loc><lastmod>${day(new Date(r.lastmod))}</lastmod></url>\n`)
        .join("");
      written += rows.length;
      const left = pageSize - written;
      if (left <= 0 || rows.length < BATCH) break;
      rows = await batch(rows.at(-1)!.id, Math.min(BATCH, left));
    }
    yield "</urlset>\n";
  })();
}

/** robots.txt: the private areas are not for crawlers; the sitemap index is named. */
export function robotsTxt(publicUrl: string): string {
  const privateAreas = ["/cart", "/checkout", "/account", "/orders", "/seller", "/admin", "/notifications", "/mailbox", "/sign-in", "/sign-up", "/forgot-password", "/reset-password", "/verify-email", "/trpc/", "/socket.io/", "/exports/", "/webhooks/"];
  return ["User-agent: *", ...privateAreas.map((p) => `Disallow: ${p}`), "Allow: /", "", `Sitemap: ${publicUrl}/sitemap.xml`, ""].join("\n");
}
