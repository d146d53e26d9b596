import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { usingPostgres } from "../../test/db.ts";
import { makeCategory, makeDeliveredOrder, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { figureMismatches } from "../../test/review-oracle.ts";
import { caughtUp, connected, nextEvent, openSocket, record } from "../../test/sockets.ts";

/** Rating figures under concurrency (SECURITY 19) and live to a product's watchers. */
let t: TestApp;
let categoryId: string;

beforeAll(async () => {
  t = await createTestApp();
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => t.close());

const db = () => t.database.prisma;

async function listing() {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db(), owner.id);
  const product = await makeProduct(db(), shop.id, categoryId);
  return { shop, productId: product.id, variantId: product.variants[0]!.id };
}

async function buyers(p: Awaited<ReturnType<typeof listing>>, n: number) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const u = await t.createUser();
      await makeDeliveredOrder(db(), u.id, p.shop.id, [{ productId: p.productId, variantId: p.variantId }]);
      return { id: u.id, caller: (await t.signIn(u.email)).caller };
    }),
  );
}

describe.skipIf(!usingPostgres)("SECURITY 19: figures under concurrency (PostgreSQL)", () => {
  it("50 concurrent creates, then 50 concurrent edits, hides, restores and deletes on one product: the stored figures always equal the rows", async () => {
    const p = await listing();
    const people = await buyers(p, 50);
    const created = await Promise.all(people.map((b, i) => b.caller.review.createProduct({ productId: p.productId, rating: (i % 5) + 1, body: `Review ${i}` })));
    expect(await figureMismatches(db())).toEqual([]);
    expect(await db().product.findUniqueOrThrow({ where: { id: p.productId }, select: { ratingCount: true, ratingSum: true } })).toEqual({ ratingCount: 50, ratingSum: 150 });

    const admin = (await t.signIn((await t.createUser({ role: "ADMIN" })).email)).caller;
    // Hide 10 first, so that restores have something to restore while edits and new hides run.
    await Promise.all(created.slice(0, 10).map((r) => admin.admin.reviews.hide({ id: r.id, reason: "Checking" })));
    const results = await Promise.allSettled([
      ...created.slice(0, 10).map((r) => admin.admin.reviews.restore({ id: r.id })),
      ...created.slice(10, 20).map((r) => admin.admin.reviews.hide({ id: r.id, reason: "Checking" })),
      // Edits race the hides of the same reviews.
      ...created.slice(10, 35).map((r, i) => people[10 + i]!.caller.review.update({ id: r.id, rating: ((i + 2) % 5) + 1 })),
      ...created.slice(35, 45).map((r, i) => people[35 + i]!.caller.review.delete({ id: r.id })),
      // Edits of hidden-then-restored reviews race their restore.
      ...created.slice(0, 5).map((r, i) => people[i]!.caller.review.update({ id: r.id, rating: 5 })),
    ]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await figureMismatches(db())).toEqual([]);
    expect(await db().product.findUniqueOrThrow({ where: { id: p.productId }, select: { ratingCount: true } })).toEqual({ ratingCount: 50 - 10 - 10 });
  }, 120_000);
});

describe("the catalog's rating sort is fair", () => {
  it("one 5-star review does not outrank 300 reviews averaging 4.8, nor 40 averaging 4.5; the rating filter uses the average", async () => {
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(db(), owner.id);
    const one = await makeProduct(db(), shop.id, categoryId, { title: "Lucky one", ratingAvg: 5, ratingCount: 1 });
    const many = await makeProduct(db(), shop.id, categoryId, { title: "Crowd favourite", ratingAvg: 4.8, ratingCount: 300 });
    const good = await makeProduct(db(), shop.id, categoryId, { title: "Solid choice", ratingAvg: 4.5, ratingCount: 40 });
    const none = await makeProduct(db(), shop.id, categoryId, { title: "Brand new" });
    const anon = await t.anon();
    const sorted = await anon.catalog.search({ shopId: shop.id, sort: "rating" });
    expect(sorted.items.map((i) => i.id)).toEqual([many.id, good.id, one.id, none.id]);
    // Paging through the same order with cursors gives the same list.
    const firstTwo = await anon.catalog.search({ shopId: shop.id, sort: "rating", limit: 2 });
    const rest = await anon.catalog.search({ shopId: shop.id, sort: "rating", limit: 2, cursor: firstTwo.nextCursor! });
    expect([...firstTwo.items, ...rest.items].map((i) => i.id)).toEqual([many.id, good.id, one.id, none.id]);
    const fourPlus = await anon.catalog.search({ shopId: shop.id, minRating: 4.6, sort: "rating" });
    expect(fourPlus.items.map((i) => i.id)).toEqual([many.id, one.id]);
  });
});

describe("live figures", () => {
  let server: MarketplaceServer;
  beforeAll(async () => {
    server = await createServer({ ...t.deps, config: { ...t.deps.config, PORT: 0 } });
    await server.start();
  });
  // The test app owns the database (closed by its own afterAll): stop the sockets and HTTP only.
  afterAll(async () => {
    await server.realtime.close();
    await server.app.close();
  });

  it("an anonymous watcher of the product receives review.created with the new average and count", async () => {
    const p = await listing();
    const [a, b] = await buyers(p, 2);
    const deps = t.deps;
    t.deps = server.deps;
    try {
      const address = server.app.server.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      const watcher = openSocket(url);
      await connected(watcher);
      expect(await watcher.emitWithAck("product.watch", { productId: p.productId })).toEqual({ ok: true });
      const callerA = await t.as((await t.signIn((await db().user.findUniqueOrThrow({ where: { id: a!.id } })).email)).token);
      const first = nextEvent(watcher, "review.created");
      await callerA.review.createProduct({ productId: p.productId, rating: 5, body: "Great" });
      expect(await first).toMatchObject({ productId: p.productId, shopId: p.shop.id, rating: 5, ratingAvg: 5, ratingCount: 1 });
      const callerB = await t.as((await t.signIn((await db().user.findUniqueOrThrow({ where: { id: b!.id } })).email)).token);
      const second = nextEvent(watcher, "review.created");
      await callerB.review.createProduct({ productId: p.productId, rating: 2, body: "Poor" });
      expect(await second).toMatchObject({ rating: 2, ratingAvg: 3.5, ratingCount: 2 });
      watcher.close();
    } finally {
      t.deps = deps;
    }
  });

  it("a visitor of the shop's page (anonymous) hears its shop reviews live; a suspended shop's page drops its visitors; a shop not listed cannot be watched", async () => {
    const p = await listing();
    const [a, b] = await buyers(p, 2);
    const deps = t.deps;
    t.deps = server.deps;
    try {
      const address = server.app.server.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
      const visitor = openSocket(url);
      await connected(visitor);
      expect(await visitor.emitWithAck("shop.watch", { shopId: p.shop.id })).toEqual({ ok: true });
      expect(await visitor.emitWithAck("shop.watch", { shopId: "no-such-shop" })).toEqual({ ok: false, error: "Shop not found" });
      const callerA = await t.as((await t.signIn((await db().user.findUniqueOrThrow({ where: { id: a!.id } })).email)).token);
      const heard = nextEvent(visitor, "review.created");
      await callerA.review.createShop({ shopId: p.shop.id, rating: 4, body: "Kind seller" });
      const payload = await heard;
      expect(payload).toMatchObject({ shopId: p.shop.id, rating: 4, ratingAvg: 4, ratingCount: 1 });
      expect(payload).not.toHaveProperty("productId");

      const admin = await t.as((await t.signIn((await t.createUser({ role: "ADMIN" })).email)).token);
      await admin.admin.shops.suspend({ id: p.shop.id, reason: "Checking the shop" });
      await db().shop.update({ where: { id: p.shop.id }, data: { status: "ACTIVE" } }); // reopened without telling the visitor
      const got = record(visitor);
      const callerB = await t.as((await t.signIn((await db().user.findUniqueOrThrow({ where: { id: b!.id } })).email)).token);
      await callerB.review.createShop({ shopId: p.shop.id, rating: 5, body: "Lovely" });
      await caughtUp(server.deps.sink, visitor);
      expect(got.get("review.created")).toBeUndefined();
      visitor.close();
    } finally {
      t.deps = deps;
    }
  });
});
