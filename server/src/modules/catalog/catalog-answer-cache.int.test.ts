import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { createMetrics } from "../../metrics/metrics.ts";

/** catalog-answer-cache.ts: whole search answers kept per URL while the catalog has not changed. */
let t: TestApp;
let server: MarketplaceServer;
let productId = "";

beforeAll(async () => {
  t = await createTestApp();
  server = await createServer(t.deps);
  await server.app.ready();
  const db = t.database.prisma;
  const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
  const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { title: "Answer cache teapot" });
  productId = product.id;
  await db.productImage.create({ data: { productId, url: "/uploads/teapot-1.webp", position: 0 } });
});
afterAll(async () => {
  await server.app.close();
  await t.close();
});

const search = (q: string, headers: Record<string, string> = {}) =>
  server.app.inject({ url: `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { q } }))}`, headers });
const cards = (res: Awaited<ReturnType<typeof search>>) => res.json().result.data.json.items as { id: string; title: string; image: string | null }[];

/** A change nothing of the catalog's version sees (triggers off for it): only an answer computed afresh shows it. */
async function renameUnseen(title: string) {
  await t.database.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
    await tx.$executeRaw`UPDATE "products" SET "title" = ${title} WHERE "id" = ${productId}`;
  });
}

describe("whole search answers, kept while the catalog has not changed", () => {
  it("a repeated search is answered from the kept answer, with the same bytes and headers", async () => {
    const first = await search("teapot");
    expect(cards(first).map((c) => c.title)).toEqual(["Answer cache teapot"]);
    await renameUnseen("Renamed behind the version's back");
    const again = await search("teapot");
    // The kept answer (the rename moved no version, so the search was not computed again).
    expect(again.body).toBe(first.body);
    expect(again.headers["content-type"]).toBe(first.headers["content-type"]);
    expect(again.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    // Another URL is another answer, computed now.
    expect(cards(await search("teapot ")).map((c) => c.title)).toEqual(["Renamed behind the version's back"]);
    await renameUnseen("Answer cache teapot");
  });

  it("a write to a product, a shop or a product's images is in the very next answer", async () => {
    await search("teapot");
    await t.database.prisma.product.update({ where: { id: productId }, data: { title: "Answer cache teapot, blue" } });
    expect(cards(await search("teapot")).map((c) => c.title)).toEqual(["Answer cache teapot, blue"]);

    await search("teapot");
    await t.database.prisma.productImage.updateMany({ where: { productId }, data: { url: "/uploads/teapot-2.webp" } });
    expect((cards(await search("teapot"))[0]!.image as unknown as { url: string }).url).toBe("/uploads/teapot-2.webp");
  });

  it("is compressed like any answer; the browser's batch of one search is kept too; a streamed batch is not", async () => {
    const compressed = await search("teapot", { "accept-encoding": "gzip" });
    expect(compressed.statusCode, compressed.body).toBe(200);
    // The app's client sends a search as a batch of one (httpBatchLink): kept per URL like a single call.
    const input = encodeURIComponent(JSON.stringify({ 0: { json: { q: "teapot" } } }));
    const batch = () => server.app.inject({ url: `/trpc/catalog.search?batch=1&input=${input}` });
    const first = await batch();
    await renameUnseen("Batched teapot");
    expect((await batch()).body).toBe(first.body);
    const streamed = await server.app.inject({ url: `/trpc/catalog.search?batch=1&input=${input}`, headers: { "trpc-accept": "application/jsonl" } });
    expect(streamed.statusCode, streamed.body).toBe(200);
    expect(streamed.body).toContain("Batched teapot");
    await renameUnseen("Answer cache teapot, blue");
  });
});

describe("a search asked by many at once", () => {
  it("is computed by one request (one call of the procedure); the others wait for its answer", async () => {
    const metrics = createMetrics();
    const counted = await createServer({ ...t.deps, metrics });
    await counted.app.ready();
    const searchCalls = async () =>
      (await metrics.procedureDuration.get()).values.find((v) => v.metricName?.endsWith("_count") && v.labels.procedure === "catalog.search")?.value ?? 0;
    try {
      const url = `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { q: "teapot", sort: "price_asc" } }))}`;
      const many = 10;
      const answers = await Promise.all(Array.from({ length: many }, () => counted.app.inject({ url })));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(many).fill(200));
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(cards(answers[0]!).map((c) => c.id)).toEqual([productId]);
      expect(await searchCalls()).toBe(1);
      // A write: the next ones at the new version are computed once again.
      await t.database.prisma.product.update({ where: { id: productId }, data: { title: "Answer cache teapot, green" } });
      const after = await Promise.all(Array.from({ length: many }, () => counted.app.inject({ url })));
      expect(after.map((a) => cards(a)[0]?.title)).toEqual(Array(many).fill("Answer cache teapot, green"));
      expect(await searchCalls()).toBe(2);
      // Browsers ask for compressed answers (above 1 KiB): kept all the same.
      const db = t.database.prisma;
      const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
      const category = await makeCategory(db);
      for (let i = 0; i < 12; i++) await makeProduct(db, shop.id, category.id, { title: `Hammered copper kettle number ${i}, two litres` });
      await counted.app.inject({ url }); // the write moved the version: computed once more
      const brUrl = `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { q: "kettle" } }))}`;
      const br = { "accept-encoding": "br, gzip" };
      const first = await counted.app.inject({ url: brUrl, headers: br });
      const second = await counted.app.inject({ url: brUrl, headers: br });
      const plain = await counted.app.inject({ url: brUrl });
      const gzip = await counted.app.inject({ url: brUrl, headers: { "accept-encoding": "gzip" } });
      expect(await searchCalls()).toBe(4);
      // The kept answer, compressed as the compressor compressed the first: same bytes and headers.
      expect([first.headers["content-encoding"], second.headers["content-encoding"], gzip.headers["content-encoding"]]).toEqual(["br", "br", "gzip"]);
      expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
      expect(second.headers.vary).toBe(first.headers.vary);
      expect(second.headers.vary).toContain("accept-encoding");
      expect(Number(second.headers["content-length"])).toBe(second.rawPayload.length);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(brotliDecompressSync(second.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(gunzipSync(gzip.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(cards(plain)).toHaveLength(12);
    } finally {
      await counted.app.close();
    }
  });
});
