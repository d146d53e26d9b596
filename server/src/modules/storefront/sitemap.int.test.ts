import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { SITEMAP_PAGE_SIZE } from "./sitemap.service.ts";

const PUBLIC_URL = "https://shop.example.test";
let t: TestApp;
let server: MarketplaceServer;

beforeAll(async () => {
  t = await createTestApp({ config: { PUBLIC_URL } });
  server = await createServer(t.deps);
  await server.app.ready();
});
afterAll(async () => {
  await server?.stop();
});

const get = (url: string) => server.app.inject(url);
const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));

describe("/robots.txt", () => {
  it("keeps crawlers out of the private areas and names the sitemap", async () => {
    const res = await get("/robots.txt");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/plain/);
    for (const area of ["/cart", "/checkout", "/account", "/orders", "/seller", "/admin", "/trpc/"]) expect(res.body).toContain(`Disallow: ${area}\n`);
    expect(res.body).toContain(`Sitemap: ${PUBLIC_URL}/sitemap.xml`);
  });
});

describe("the sitemaps", () => {
  it("list exactly the listed products and the active shops, each with its lastmod", async () => {
    const db = t.database.prisma;
    const owner = await t.createUser({ role: "SELLER" });
    const open = await makeShop(db, owner.id, { name: "Open Shop" });
    const closed = await makeShop(db, (await t.createUser()).id, { name: "Closed Shop", status: "SUSPENDED" });
    const pending = await makeShop(db, (await t.createUser()).id, { name: "Pending Shop", status: "PENDING" });
    const cat = await makeCategory(db);
    const listed = await makeProduct(db, open.id, cat.id);
    const listedToo = await makeProduct(db, open.id, cat.id);
    await makeProduct(db, open.id, cat.id, { status: "ARCHIVED" });
    await makeProduct(db, open.id, cat.id, { status: "DRAFT" });
    await makeProduct(db, closed.id, cat.id);

    const index = await get("/sitemap.xml");
    expect(index.statusCode).toBe(200);
    expect(index.headers["content-type"]).toMatch(/application\/xml/);
    expect(index.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<sitemapindex xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
    expect(locs(index.body)).toEqual([`${PUBLIC_URL}/sitemaps/pages.xml`, `${PUBLIC_URL}/sitemaps/products-1.xml`, `${PUBLIC_URL}/sitemaps/shops-1.xml`]);

    const products = await get("/sitemaps/products-1.xml");
    expect(locs(products.body).sort()).toEqual([listed.id, listedToo.id].map((id) => `${PUBLIC_URL}/products/${id}`).sort());
    const updated = await db.product.findUniqueOrThrow({ where: { id: listed.id }, select: { updatedAt: true } });
    expect(products.body).toContain(`<loc>${PUBLIC_URL}/products/${listed.id}</loc><lastmod>${updated.updatedAt.toISOString()}</lastmod>`);

    const shops = await get("/sitemaps/shops-1.xml");
    expect(locs(shops.body)).toEqual([`${PUBLIC_URL}/shops/${open.slug}`]);
    expect(shops.body).not.toContain(closed.slug);
    expect(shops.body).not.toContain(pending.slug);

    expect((await get("/sitemaps/products-2.xml")).statusCode).toBe(404);
    expect((await get("/sitemaps/orders-1.xml")).statusCode).toBe(404);
    expect(locs((await get("/sitemaps/pages.xml")).body)).toEqual([`${PUBLIC_URL}/`, `${PUBLIC_URL}/search`]);
  });

  it(`pages at ${SITEMAP_PAGE_SIZE.toLocaleString("en")} URLs: one more product opens a second page`, async () => {
    const db = t.database.prisma;
    const shop = await db.shop.findFirstOrThrow({ where: { status: "ACTIVE" } });
    const cat = await makeCategory(db);
    const before = await db.product.count({ where: { status: "ACTIVE", shop: { status: "ACTIVE" } } });
    const add = SITEMAP_PAGE_SIZE + 1 - before;
    await db.$executeRaw`
      INSERT INTO products (id, shop_id, category_id, title, slug, updated_at)
      SELECT gen_random_uuid()::text, ${shop.id}, ${cat.id}, 'Bulk ' || n, 'bulk-' || n, now() FROM generate_series(1, ${add}) AS n`;

    const index = locs((await get("/sitemap.xml")).body);
    expect(index.filter((l) => l.includes("/products-"))).toEqual([`${PUBLIC_URL}/sitemaps/products-1.xml`, `${PUBLIC_URL}/sitemaps/products-2.xml`]);
    const first = await get("/sitemaps/products-1.xml");
    expect(first.body.match(/<url>/g)).toHaveLength(SITEMAP_PAGE_SIZE);
    const second = await get("/sitemaps/products-2.xml");
    expect(second.body.match(/<url>/g)).toHaveLength(1);
    // Together, every listed product once.
    const all = new Set([...locs(first.body), ...locs(second.body)]);
    expect(all.size).toBe(SITEMAP_PAGE_SIZE + 1);
  }, 300_000);
});
