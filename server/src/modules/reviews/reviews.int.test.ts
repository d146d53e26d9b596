import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCategory, makeDeliveredOrder, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { figureMismatches } from "../../test/review-oracle.ts";

/** Reviews: who may write one (SECURITY 18), limits (SECURITY 19), lists, votes, reports, replies and moderation. */
let t: TestApp;
let categoryId: string;

beforeAll(async () => {
  t = await createTestApp();
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(() => t.close());

const db = () => t.database.prisma;

async function shopWithProduct() {
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db(), owner.id);
  const product = await makeProduct(db(), shop.id, categoryId);
  return { owner, shop, productId: product.id, variantId: product.variants[0]!.id, seller: async () => (await t.signIn(owner.email)).caller };
}
type Listing = Awaited<ReturnType<typeof shopWithProduct>>;

/** A buyer with a delivered order of the product (or, with `status`, an order that got that far). */
async function buyerOf(p: Listing, status: "DELIVERED" | "PAID" | "SHIPPED" = "DELIVERED") {
  const u = await t.createUser();
  await makeDeliveredOrder(db(), u.id, p.shop.id, [{ productId: p.productId, variantId: p.variantId }], status);
  return { ...u, caller: (await t.signIn(u.email)).caller };
}

const review = { rating: 4, title: "Solid", body: "Does what it says." };

describe("SECURITY 18: who may review", () => {
  it("only a buyer with a DELIVERED order of the product or from the shop; never the shop's owner, another seller or a guest", async () => {
    const p = await shopWithProduct();
    const other = await shopWithProduct();
    const anon = await t.anon();
    await expect(anon.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const stranger = (await t.signIn((await t.createUser()).email)).caller;
    await expect(stranger.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(stranger.review.createShop({ shopId: p.shop.id, rating: 5, body: "Great" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const status of ["PAID", "SHIPPED"] as const) {
      const notYet = await buyerOf(p, status);
      await expect(notYet.caller.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    // A delivered order from another shop does not entitle to review this one.
    const elsewhere = await buyerOf(other);
    await expect(elsewhere.caller.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(elsewhere.caller.review.createShop({ shopId: p.shop.id, rating: 5, body: "Great" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await p.seller()).review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await other.seller()).review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = (await t.signIn((await t.createUser({ role: "ADMIN" })).email)).caller;
    await expect(admin.review.createShop({ shopId: p.shop.id, rating: 1, body: "Bad" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().review.count({ where: { shopId: p.shop.id } })).toBe(0);

    const buyer = await buyerOf(p);
    const created = await buyer.caller.review.createProduct({ productId: p.productId, ...review });
    expect(created).toMatchObject({ rating: 4, ratingAvg: 4, ratingCount: 1 });
    await expect(buyer.caller.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: "CONFLICT" });
    await buyer.caller.review.createShop({ shopId: p.shop.id, rating: 5, body: "Fast shipping" });
    await expect(buyer.caller.review.createShop({ shopId: p.shop.id, rating: 5, body: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db().review.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ sellerOrderId: expect.any(String), authorId: buyer.id });
  });

  it("a banned buyer cannot review, even with a session the ban did not end", async () => {
    const p = await shopWithProduct();
    const u = await t.createUser();
    await makeDeliveredOrder(db(), u.id, p.shop.id, [{ productId: p.productId, variantId: p.variantId }]);
    const { token } = await t.signIn(u.email);
    await db().user.update({ where: { id: u.id }, data: { status: "BANNED" } });
    const buyer = { id: u.id, caller: await t.as(token) };
    await expect(buyer.caller.review.createProduct({ productId: p.productId, ...review })).rejects.toMatchObject({ code: expect.stringMatching(/FORBIDDEN|UNAUTHORIZED/) });
    expect(await db().review.count({ where: { authorId: buyer.id } })).toBe(0);
  });

  it("bad input is BAD_REQUEST with field errors: ratings 0, 6, 3.5, an empty body, a long title, an unknown field", async () => {
    const p = await shopWithProduct();
    const buyer = await buyerOf(p);
    for (const bad of [
      { ...review, rating: 0 },
      { ...review, rating: 6 },
      { ...review, rating: 3.5 },
      { ...review, body: "   " },
      { ...review, title: "x".repeat(121) },
      { ...review, body: "x".repeat(5001) },
      { ...review, ratingAvg: 5 },
    ]) {
      await expect(buyer.caller.review.createProduct({ productId: p.productId, ...bad } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await db().review.count({ where: { authorId: buyer.id } })).toBe(0);
  });

  it("text is stored as written (markup stays text)", async () => {
    const p = await shopWithProduct();
    const buyer = await buyerOf(p);
    const body = `<img src=x onerror="alert(1)"> "quotes" & <b>bold</b>`;
    await buyer.caller.review.createProduct({ productId: p.productId, rating: 3, body });
    const { items } = await (await t.anon()).review.listProduct({ productId: p.productId });
    expect(items[0]!.body).toBe(body);
  });
});

describe("SECURITY 19: limits and figures", () => {
  it("a flood of reviews is TOO_MANY_REQUESTS after 20 an hour", async () => {
    const buyer = await t.createUser();
    const caller = (await t.signIn(buyer.email)).caller;
    const listings = await Promise.all(Array.from({ length: 21 }, () => shopWithProduct()));
    for (const p of listings) await makeDeliveredOrder(db(), buyer.id, p.shop.id, [{ productId: p.productId, variantId: p.variantId }]);
    for (const p of listings.slice(0, 20)) await caller.review.createProduct({ productId: p.productId, ...review });
    await expect(caller.review.createProduct({ productId: listings[20]!.productId, ...review })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("create, edit, delete, hide and restore move the figures in the same transaction; they always equal the rows", async () => {
    const p = await shopWithProduct();
    const [a, b, c] = [await buyerOf(p), await buyerOf(p), await buyerOf(p)];
    const ra = await a.caller.review.createProduct({ productId: p.productId, rating: 5, body: "Love it" });
    await b.caller.review.createProduct({ productId: p.productId, rating: 2, body: "Meh" });
    const rc = await c.caller.review.createProduct({ productId: p.productId, rating: 3, body: "Fine" });
    const figures = () => db().product.findUniqueOrThrow({ where: { id: p.productId }, select: { ratingAvg: true, ratingCount: true, rating1: true, rating2: true, rating3: true, rating4: true, rating5: true } });
    expect(await figures()).toEqual({ ratingAvg: 10 / 3, ratingCount: 3, rating1: 0, rating2: 1, rating3: 1, rating4: 0, rating5: 1 });
    await a.caller.review.update({ id: ra.id, rating: 1 });
    expect(await figures()).toMatchObject({ ratingAvg: 2, ratingCount: 3, rating1: 1, rating5: 0 });
    const admin = (await t.signIn((await t.createUser({ role: "ADMIN" })).email)).caller;
    await admin.admin.reviews.hide({ id: rc.id, reason: "Off topic" });
    expect(await figures()).toMatchObject({ ratingAvg: 1.5, ratingCount: 2, rating3: 0 });
    await expect(admin.admin.reviews.hide({ id: rc.id, reason: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    // The author edits a hidden review: it stays out of the figures.
    await c.caller.review.update({ id: rc.id, rating: 5 });
    expect(await figures()).toMatchObject({ ratingCount: 2, rating5: 0 });
    await admin.admin.reviews.restore({ id: rc.id });
    expect(await figures()).toMatchObject({ ratingAvg: 8 / 3, ratingCount: 3, rating5: 1 });
    await a.caller.review.delete({ id: ra.id });
    expect(await figures()).toMatchObject({ ratingAvg: 3.5, ratingCount: 2, rating1: 0 });
    expect(await figureMismatches(db())).toEqual([]);
  });
});

describe("lists", () => {
  it("a product's reviews: summary with a histogram, star filter, every sort, stable cursors while new reviews arrive, hidden ones absent", async () => {
    const p = await shopWithProduct();
    const buyers = await Promise.all(Array.from({ length: 7 }, () => buyerOf(p)));
    const ratings = [5, 4, 5, 2, 1, 5, 3];
    const ids: string[] = [];
    for (const [i, b] of buyers.entries()) ids.push((await b.caller.review.createProduct({ productId: p.productId, rating: ratings[i]!, body: `Review ${i}` })).id);
    const anon = await t.anon();
    const first = await anon.review.listProduct({ productId: p.productId, limit: 3 });
    expect(first.summary).toEqual({ ratingAvg: 25 / 7, ratingCount: 7, histogram: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 3 } });
    expect(first.items.map((r) => r.body)).toEqual(["Review 6", "Review 5", "Review 4"]);
    expect(first.items[0]).toMatchObject({ verified: true, author: { name: expect.any(String) }, reply: null, mine: false, votedHelpful: false });
    expect(JSON.stringify(first)).not.toMatch(/@example\.test/); // never an email
    // A review written between pages does not shift the next page.
    const late = await buyerOf(p);
    await late.caller.review.createProduct({ productId: p.productId, rating: 4, body: "Late" });
    const second = await anon.review.listProduct({ productId: p.productId, limit: 3, cursor: first.nextCursor! });
    expect(second.summary).toBeNull();
    expect(second.items.map((r) => r.body)).toEqual(["Review 3", "Review 2", "Review 1"]);

    const fives = await anon.review.listProduct({ productId: p.productId, rating: 5 });
    expect(fives.items.map((r) => r.rating)).toEqual([5, 5, 5]);
    const high = await anon.review.listProduct({ productId: p.productId, sort: "rating_desc", limit: 2 });
    const highNext = await anon.review.listProduct({ productId: p.productId, sort: "rating_desc", limit: 10, cursor: high.nextCursor! });
    expect([...high.items, ...highNext.items].map((r) => r.rating)).toEqual([5, 5, 5, 4, 4, 3, 2, 1]);
    const low = await anon.review.listProduct({ productId: p.productId, sort: "rating_asc" });
    expect(low.items.map((r) => r.rating)).toEqual([1, 2, 3, 4, 4, 5, 5, 5]);

    // Helpful: once per user, never one's own; the helpful sort follows.
    const voter = (await t.signIn((await t.createUser()).email)).caller;
    expect(await voter.review.vote({ id: ids[2]! })).toEqual({ id: ids[2], helpfulCount: 1 });
    await expect(voter.review.vote({ id: ids[2]! })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(buyers[2]!.caller.review.vote({ id: ids[2]! })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await buyers[0]!.caller.review.vote({ id: ids[2]! });
    await voter.review.vote({ id: ids[4]! });
    const helpful = await voter.review.listProduct({ productId: p.productId, sort: "helpful", limit: 2 });
    expect(helpful.items.map((r) => [r.id, r.helpfulCount, r.votedHelpful])).toEqual([[ids[2], 2, true], [ids[4], 1, true]]);
    expect((await buyers[2]!.caller.review.listProduct({ productId: p.productId, sort: "helpful", limit: 1 })).items[0]!.mine).toBe(true);

    // Hidden: gone from lists and counts (and the rating filter of the search) at once.
    const admin = (await t.signIn((await t.createUser({ role: "ADMIN" })).email)).caller;
    await admin.admin.reviews.hide({ id: ids[0]!, reason: "Spam" });
    const after = await anon.review.listProduct({ productId: p.productId, limit: 50 });
    expect(after.items.map((r) => r.id)).not.toContain(ids[0]);
    expect(after.summary).toMatchObject({ ratingCount: 7, histogram: { 5: 2 } });
    const mine = await buyers[0]!.caller.review.mine();
    expect(mine[0]).toMatchObject({ id: ids[0], status: "HIDDEN", hiddenReason: "Spam" });
  });

  it("bad or out-of-range cursors are BAD_REQUEST; a draft product's reviews are NOT_FOUND", async () => {
    const p = await shopWithProduct();
    const anon = await t.anon();
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const cursor of ["garbage", enc({ t: 1e20, id: "x" }), enc({ t: -1, id: "x" }), enc({ t: 1, id: "" }), enc({ k: 1e12, t: 1, id: "x" }), enc({ t: 1.5, id: "x" })]) {
      await expect(anon.review.listProduct({ productId: p.productId, cursor, sort: "helpful" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await db().product.update({ where: { id: p.productId }, data: { status: "DRAFT" } });
    await expect(anon.review.listProduct({ productId: p.productId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shop reviews are listed apart from product reviews; toWrite shows what is left to review", async () => {
    const p = await shopWithProduct();
    const buyer = await buyerOf(p);
    expect(await buyer.caller.review.toWrite()).toEqual([
      expect.objectContaining({ shop: expect.objectContaining({ id: p.shop.id }), shopToReview: true, products: [expect.objectContaining({ productId: p.productId })] }),
    ]);
    await buyer.caller.review.createProduct({ productId: p.productId, ...review });
    expect(await buyer.caller.review.toWrite()).toEqual([expect.objectContaining({ shopToReview: true, products: [] })]);
    await buyer.caller.review.createShop({ shopId: p.shop.id, rating: 5, body: "Lovely seller" });
    expect(await buyer.caller.review.toWrite()).toEqual([]);
    const shopList = await (await t.anon()).review.listShop({ shopId: p.shop.id });
    expect(shopList.items.map((r) => r.body)).toEqual(["Lovely seller"]);
    expect(shopList.summary).toMatchObject({ ratingAvg: 5, ratingCount: 1 });
    expect(await db().shop.findUniqueOrThrow({ where: { id: p.shop.id }, select: { ratingCount: true } })).toEqual({ ratingCount: 1 });
  });
});

describe("replies, reports and moderation", () => {
  it("only the shop's owner replies (once, replaced on a second call); the author hears of it", async () => {
    const p = await shopWithProduct();
    const other = await shopWithProduct();
    const buyer = await buyerOf(p);
    const r = await buyer.caller.review.createProduct({ productId: p.productId, ...review });
    await expect((await other.seller()).review.reply({ reviewId: r.id, body: "Not mine" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(buyer.caller.review.reply({ reviewId: r.id, body: "Me" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const seller = await p.seller();
    t.sink.events.length = 0;
    await seller.review.reply({ reviewId: r.id, body: "Thank you!" });
    await seller.review.reply({ reviewId: r.id, body: "Thank you so much!" });
    const { items } = await (await t.anon()).review.listProduct({ productId: p.productId });
    expect(items[0]!.reply).toMatchObject({ body: "Thank you so much!" });
    const updated = t.sink.events.filter((e) => e.name === "review.updated");
    expect(updated).toHaveLength(2);
    expect(updated[0]!.rooms).toEqual([`product:${p.productId}`, `shop-page:${p.shop.id}`, `shop:${p.shop.id}`, `user:${buyer.id}`]);
    const forShop = await seller.review.forMyShop({ unanswered: true });
    expect(forShop.items).toEqual([]);
    expect((await seller.review.forMyShop({})).items.map((i) => i.id)).toEqual([r.id]);
  });

  it("reports reach the admins (reported first, with reasons); hide records the reason for the author; restore settles the reports", async () => {
    const p = await shopWithProduct();
    const buyer = await buyerOf(p);
    const r = await buyer.caller.review.createProduct({ productId: p.productId, rating: 1, body: "Rude words" });
    const reporter = (await t.signIn((await t.createUser({ name: "Rita Reporter" })).email)).caller;
    await expect(buyer.caller.review.report({ id: r.id, reason: "My own" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    t.sink.events.length = 0;
    await reporter.review.report({ id: r.id, reason: "Insults the seller" });
    await expect(reporter.review.report({ id: r.id, reason: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(t.sink.events.find((e) => e.name === "activity")).toMatchObject({ rooms: ["admins"], payload: { kind: "review.reported" } });
    const admin = (await t.signIn((await t.createUser({ role: "ADMIN" })).email)).caller;
    await expect(reporter.admin.reviews.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    const queue = await admin.admin.reviews.list({ reported: true });
    expect(queue.items[0]).toMatchObject({ id: r.id, reportCount: 1, reports: [{ reason: "Insults the seller", reporter: { name: "Rita Reporter" } }] });
    await admin.admin.reviews.hide({ id: r.id, reason: "Insults" });
    expect((await admin.admin.reviews.list({ status: "HIDDEN" })).items.map((i) => i.id)).toContain(r.id);
    expect(await db().activity.count({ where: { kind: "review.hidden", subjectId: r.id } })).toBe(1);
    await expect(reporter.review.vote({ id: r.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await admin.admin.reviews.restore({ id: r.id });
    expect((await admin.admin.reviews.list({ reported: true })).items.map((i) => i.id)).not.toContain(r.id);
  });
});
