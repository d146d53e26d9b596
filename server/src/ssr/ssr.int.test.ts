import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import { z } from "zod";
import { createServer, type MarketplaceServer } from "../server.ts";
import { sessionCookie } from "../modules/auth/session-cookie.ts";
import { ensureClientBuild } from "../test/client-build.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";

/**
 * The public pages as a crawler or a browser without JavaScript gets them: the real client,
 * rendered by the server from the database (the client's build is made first when missing).
 */
let t: TestApp;
let server: MarketplaceServer;
let productId: string;
let shopSlug: string;
let archivedId: string;
let draftId: string;
let hostileId: string;
const HOSTILE = `Lamp </script><script>window.pwned=1</script> <!-- & "quotes"`;
const PUBLIC_URL = "https://shop.example.test";

beforeAll(async () => {
  ensureClientBuild();
  t = await createTestApp({ config: { PUBLIC_URL } });
  server = await createServer(t.deps);
  await server.app.ready();
  const db = t.database.prisma;
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db, owner.id, { name: "Linden Ceramics" });
  await db.shop.update({ where: { id: shop.id }, data: { ratingAvg: 4.5, ratingCount: 2, description: "Stoneware thrown in Leeds." } });
  shopSlug = shop.slug;
  const root = await makeCategory(db, { name: "Home" });
  const leaf = await makeCategory(db, { name: "Mugs", parentId: root.id });
  const mug = await makeProduct(db, shop.id, leaf.id, {
    title: "Speckled Stoneware Mug",
    description: "Holds 350 ml.",
    ratingAvg: 4,
    ratingCount: 1,
    variants: [{ sku: "MUG-1", priceCents: 2450, stock: 3 }],
  });
  productId = mug.id;
  const buyer = await t.createUser({ name: "Ada Reviewer" });
  await db.review.create({ data: { authorId: buyer.id, productId, shopId: shop.id, rating: 4, title: "Lovely", body: "Keeps coffee warm." } });
  archivedId = (await makeProduct(db, shop.id, leaf.id, { title: "Old Mug", status: "ARCHIVED" })).id;
  draftId = (await makeProduct(db, shop.id, leaf.id, { title: "Next Mug", status: "DRAFT" })).id;
  hostileId = (await makeProduct(db, shop.id, leaf.id, { title: HOSTILE, description: HOSTILE })).id;
}, 600_000);
afterAll(async () => {
  await server?.stop();
});

const page = (url: string, headers: Record<string, string> = {}) => server.app.inject({ url, headers: { accept: "text/html", ...headers } });

/** The JSON-LD blocks of a page, parsed. */
function jsonLd(html: string): unknown[] {
  return [...html.matchAll(/<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as unknown);
}

function state(html: string): { queries: { queries: { queryKey: unknown[]; state: { data: unknown } }[] }; publicUrl: string } {
  const m = /<script type="application\/json" id="ssr-state">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error("no state in the page");
  return superjson.parse(m[1]!);
}

// schema.org's types as this site uses them, strict: a property the type does not have, a
// missing required one or a value of the wrong kind fails the check.
const url = z.string().url();
const rating = z.strictObject({ "@type": z.literal("Rating"), ratingValue: z.number().min(1).max(5), bestRating: z.literal(5), worstRating: z.literal(1) });
const aggregateRating = z.strictObject({
  "@type": z.literal("AggregateRating"),
  ratingValue: z.number().min(1).max(5),
  reviewCount: z.number().int().positive(),
  bestRating: z.literal(5),
  worstRating: z.literal(1),
});
const organization = z.strictObject({ "@type": z.literal("Organization"), name: z.string().min(1), url });
const offer = z.strictObject({
  "@type": z.literal("Offer"),
  sku: z.string().optional(),
  name: z.string().optional(),
  price: z.string().regex(/^\d+(\.\d+)?$/),
  priceCurrency: z.string().regex(/^[A-Z]{3}$/),
  availability: z.enum(["https://schema.org/InStock", "https://schema.org/OutOfStock"]),
  url,
  seller: organization,
});
const review = z.strictObject({
  "@type": z.literal("Review"),
  reviewRating: rating,
  author: z.strictObject({ "@type": z.literal("Person"), name: z.string().min(1) }),
  datePublished: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  name: z.string().optional(),
  reviewBody: z.string(),
});
const product = z.strictObject({
  "@context": z.literal("https://schema.org"),
  "@type": z.literal("Product"),
  "@id": url,
  name: z.string().min(1),
  url,
  description: z.string().optional(),
  image: z.array(url).optional(),
  sku: z.string().optional(),
  brand: z.strictObject({ "@type": z.literal("Brand"), name: z.string() }),
  category: z.string(),
  offers: z.array(offer).min(1),
  aggregateRating: aggregateRating.optional(),
  review: z.array(review).optional(),
});
const breadcrumbs = z.strictObject({
  "@context": z.literal("https://schema.org"),
  "@type": z.literal("BreadcrumbList"),
  itemListElement: z.array(z.strictObject({ "@type": z.literal("ListItem"), position: z.number().int().positive(), name: z.string(), item: url })).min(1),
});
const store = z.strictObject({
  "@context": z.literal("https://schema.org"),
  "@type": z.literal("Store"),
  "@id": url,
  name: z.string().min(1),
  url,
  description: z.string().optional(),
  logo: url.optional(),
  image: url.optional(),
  aggregateRating: aggregateRating.optional(),
});

describe("a product page without JavaScript", () => {
  it("holds the title, price, availability, the shop's name and rating, and the head tags", async () => {
    const res = await page(`/products/${productId}`);
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain(">Speckled Stoneware Mug</h1>");
    expect(html).toContain("$24.50");
    expect(html).toContain("Only 3 left");
    expect(html).toContain("Linden Ceramics");
    expect(html).toContain("Rated 4.5 out of 5 from 2 reviews");
    expect(html).toContain("Keeps coffee warm.");
    expect(html).toContain("<title>Speckled Stoneware Mug · Bazaar</title>");
    expect(html).toContain(`<link rel="canonical" href="${PUBLIC_URL}/products/${productId}">`);
    expect(html).toContain('<meta property="og:type" content="product">');
    expect(html).toContain('<meta property="product:price:amount" content="24.50">');
    expect(html).toContain('<meta name="twitter:data1" content="$24.50">');
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html.match(/<meta name="description"/g)).toHaveLength(1);
  });

  it("describes the product in JSON-LD that checks against schema.org's Product, Offer, AggregateRating, Review and BreadcrumbList", async () => {
    const blocks = jsonLd((await page(`/products/${productId}`)).body);
    const p = product.parse(blocks.find((b) => (b as { "@type": string })["@type"] === "Product"));
    expect(p.offers[0]).toMatchObject({ price: "24.50", priceCurrency: "USD", availability: "https://schema.org/InStock" });
    expect(p.aggregateRating).toMatchObject({ ratingValue: 4, reviewCount: 1 });
    expect(p.review?.[0]).toMatchObject({ author: { name: "Ada Reviewer" }, reviewBody: "Keeps coffee warm." });
    const crumbs = breadcrumbs.parse(blocks.find((b) => (b as { "@type": string })["@type"] === "BreadcrumbList"));
    expect(crumbs.itemListElement.map((i) => i.name)).toEqual(["Home", "Home", "Mugs"]);
    // The check itself refuses what schema.org's Offer does not have.
    expect(offer.safeParse({ ...p.offers[0], priceValidUntilTomorrow: "x" }).success).toBe(false);
  });

  it("SECURITY 49: carries its data for hydration, public queries only", async () => {
    const s = state((await page(`/products/${productId}`)).body);
    expect(s.publicUrl).toBe(PUBLIC_URL);
    const roots = s.queries.queries.map((q) => q.queryKey[0]);
    expect(roots).toContain("catalog");
    expect(roots.every((r) => r === "catalog" || r === "reviews")).toBe(true);
  });

  it("can be cached by shared caches, and varies only by encoding", async () => {
    const res = await page(`/products/${productId}`);
    expect(res.headers["cache-control"]).toBe("public, max-age=0, s-maxage=30, stale-while-revalidate=300");
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.headers["set-cookie"]).toBeUndefined();
  });

  it("goes out compressed as the browser accepts (a copy made once per page and encoding), the same page", async () => {
    const url = `/products/${productId}`;
    const plain = await page(url);
    const [br, brAgain, gzip] = [await page(url, { "accept-encoding": "gzip, deflate, br" }), await page(url, { "accept-encoding": "br" }), await page(url, { "accept-encoding": "gzip" })];
    expect([plain.headers["content-encoding"], br.headers["content-encoding"], brAgain.headers["content-encoding"], gzip.headers["content-encoding"]]).toEqual([undefined, "br", "br", "gzip"]);
    expect(brAgain.rawPayload.equals(br.rawPayload)).toBe(true);
    expect(Number(br.headers["content-length"])).toBe(br.rawPayload.length);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
  });
});

describe("SECURITY 50: names that try to end the script", () => {
  it("stay text: the JSON-LD and the dehydrated state escape every <", async () => {
    const html = (await page(`/products/${hostileId}`)).body;
    // Inside a quoted attribute a "<" is text (only an escaped quote could end it): leave the
    // head's meta values out, and nothing anywhere else may open a script.
    expect(html).toContain('content="Lamp </script><script>window.pwned=1</script> <!-- & &quot;quotes&quot;"');
    const outsideAttributes = html.replace(/ content="[^"]*"/g, "");
    expect(outsideAttributes).not.toContain("<script>window.pwned");
    // Only the page's own scripts: the module entry, the state, the JSON-LD blocks.
    const scripts = outsideAttributes.match(/<script\b/g) ?? [];
    expect(scripts.length).toBe(1 + 1 + jsonLd(html).length);
    const p = product.parse(jsonLd(html).find((b) => (b as { "@type": string })["@type"] === "Product"));
    expect(p.name).toBe(HOSTILE);
    const data = state(html).queries.queries.find((q) => q.queryKey[1] === "product")?.state.data as { title: string };
    expect(data.title).toBe(HOSTILE);
    // The title in the body and the head is HTML-escaped text.
    expect(html).toContain("Lamp &lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;");
  });
});

describe("rendered pages kept for reuse (SSR_PAGE_CACHE_MS)", () => {
  it("a page is reused while the catalog is unchanged, and rendered afresh at the first change", async () => {
    const db = t.database.prisma;
    const reviewer = await db.user.findFirstOrThrow({ where: { name: "Ada Reviewer" } });
    expect((await page(`/products/${productId}`)).body).toContain("Ada Reviewer");
    // A reviewer's name is not part of the catalog's version: the page rendered before is reused.
    await db.user.update({ where: { id: reviewer.id }, data: { name: "Ada Renamed" } });
    const reused = (await page(`/products/${productId}`)).body;
    expect(reused).toContain("Ada Reviewer");
    expect(reused).not.toContain("Ada Renamed");
    // Any write to the catalog moves the version: the next request renders again, with both changes.
    await db.product.update({ where: { id: productId }, data: { description: "Holds 350 ml of tea." } });
    const fresh = (await page(`/products/${productId}`)).body;
    expect(fresh).toContain("Holds 350 ml of tea.");
    expect(fresh).toContain("Ada Renamed");
    await db.user.update({ where: { id: reviewer.id }, data: { name: "Ada Reviewer" } });
    await db.product.update({ where: { id: productId }, data: { description: "Holds 350 ml." } });
  });

  it("a change of stock is on the very next page", async () => {
    const variant = await t.database.prisma.variant.findFirstOrThrow({ where: { productId } });
    expect((await page(`/products/${productId}`)).body).toContain("InStock");
    await t.database.prisma.variant.update({ where: { id: variant.id }, data: { stock: 0 } });
    expect((await page(`/products/${productId}`)).body).toContain("OutOfStock");
    await t.database.prisma.variant.update({ where: { id: variant.id }, data: { stock: 3 } });
    expect((await page(`/products/${productId}`)).body).toContain("InStock");
  });
});

describe("pages that are not there", () => {
  it("answer 404 for an unknown or unlisted product and 410 for an archived one", async () => {
    expect((await page("/products/01900000-0000-7000-8000-000000000000")).statusCode).toBe(404);
    expect((await page("/products/not-an-id")).statusCode).toBe(404);
    expect((await page(`/products/${draftId}`)).statusCode).toBe(404);
    const gone = await page(`/products/${archivedId}`);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain("This product isn&#39;t available");
    expect(gone.body).not.toContain('id="ssr-state"');
    expect((await page("/shops/no-such-shop")).statusCode).toBe(404);
  });
});

describe("the other public pages", () => {
  it("render a shop with its name, rating and Store JSON-LD", async () => {
    const res = await page(`/shops/${shopSlug}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("Linden Ceramics");
    expect(res.body).toContain("Speckled Stoneware Mug");
    const s = store.parse(jsonLd(res.body).find((b) => (b as { "@type": string })["@type"] === "Store"));
    expect(s).toMatchObject({ name: "Linden Ceramics", url: `${PUBLIC_URL}/shops/${shopSlug}`, aggregateRating: { ratingValue: 4.5, reviewCount: 2 } });
  });

  it("render the home page and a category page with its breadcrumbs, prices and availability", async () => {
    const home = await page("/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("Speckled Stoneware Mug");
    expect(home.body).toContain("$24.50");
    const categoryId = (await t.database.prisma.category.findFirstOrThrow({ where: { name: "Mugs" } })).id;
    const cat = await page(`/search?category=${categoryId}`);
    expect(cat.statusCode).toBe(200);
    expect(cat.body).toContain("<title>Mugs · Bazaar</title>");
    expect(cat.body).toContain("Speckled Stoneware Mug");
    const crumbs = breadcrumbs.parse(jsonLd(cat.body)[0]);
    expect(crumbs.itemListElement.at(-1)).toMatchObject({ name: "Mugs", item: `${PUBLIC_URL}/search?category=${categoryId}` });
    const search = await page("/search?q=stoneware");
    expect(search.body).toContain("Speckled Stoneware Mug");
    expect(search.body).toContain('<meta name="robots" content="noindex, follow">');
  });
});

describe("SECURITY 49: signed-in visitors", () => {
  it("get the same public page as anyone: nothing of theirs is rendered, the session is not even read", async () => {
    const user = await t.createUser({ name: "Zebulon Private", email: "zebulon.private@example.test" });
    const { token } = await t.signIn(user.email);
    const cookie = `${sessionCookie(t.deps.config).name}=${token}`;
    for (const url of [`/products/${productId}`, "/", `/shops/${shopSlug}`]) {
      const res = await page(url, { cookie });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain("Zebulon");
      expect(res.body).not.toContain("zebulon.private@example.test");
      expect(res.body).not.toContain(token);
      expect(res.headers["set-cookie"]).toBeUndefined();
      const roots = state(res.body).queries.queries.map((q) => JSON.stringify(q.queryKey));
      expect(roots.some((k) => k.includes('"auth"') || k.includes('"cart"'))).toBe(false);
    }
  });

  it("private pages are rendered in the browser only: the server sends the empty shell", async () => {
    const user = await t.createUser({ name: "Yolanda Private" });
    const { token } = await t.signIn(user.email);
    for (const url of ["/account", "/orders", "/cart", "/seller", "/admin/users"]) {
      const res = await page(url, { cookie: `${sessionCookie(t.deps.config).name}=${token}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body).toContain('<div id="app"><!--ssr-outlet--></div>');
      expect(res.body).not.toContain("Yolanda");
    }
  });
});
