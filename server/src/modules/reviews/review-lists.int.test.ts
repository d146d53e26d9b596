import { REVIEW_SORTS, type ReviewSort } from "@marketplace/shared";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../generated/prisma/client.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { encodeReviewCursor, keyset } from "./review-cursor.ts";
import { recomputeFigures } from "./review-figures.ts";

/**
 * review.listProduct / review.listShop read their page with hand-written SQL (review-lists.ts,
 * a measured hot path). The oracle is the Prisma query they ran before (findMany with the keyset
 * of review-cursor.ts): every sort, with and without a star filter, paged to the end, must give
 * the same reviews in the same order, with ties on the sort value and on the creation time.
 */
let t: TestApp;
let productId: string;
let shopId: string;
let hiddenProductId: string;
let viewer: { id: string; token: string };
let author: { id: string; token: string };

const SORTS: Record<ReviewSort, ReturnType<typeof keyset>> = {
  newest: keyset(null),
  helpful: keyset("helpfulCount", "desc"),
  rating_desc: keyset("rating", "desc"),
  rating_asc: keyset("rating", "asc"),
};

/** The ids the former Prisma implementation returned, page after page. */
async function oracle(where: Prisma.ReviewWhereInput, sort: ReviewSort, rating: number | undefined, limit: number): Promise<string[][]> {
  const s = SORTS[sort];
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const rows = await t.database.prisma.review.findMany({
      where: { AND: [where, { status: "VISIBLE" }, rating ? { rating } : {}, s.after(cursor)] },
      orderBy: s.orderBy as Prisma.ReviewOrderByWithRelationInput[],
      take: limit + 1,
      select: { id: true, createdAt: true, helpfulCount: true, rating: true },
    });
    const page = s.page(rows, limit);
    pages.push(page.items.map((r) => r.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.prisma;
  const owner = await t.createUser({ role: "SELLER" });
  const shop = await makeShop(db, owner.id);
  shopId = shop.id;
  const category = await makeCategory(db);
  productId = (await makeProduct(db, shop.id, category.id)).id;
  hiddenProductId = (await makeProduct(db, shop.id, category.id, { status: "DRAFT" })).id;
  const other = (await makeProduct(db, shop.id, category.id)).id;
  // 36 authors: reviews of the product (3 of them hidden, several sharing a creation time, a
  // helpful count or a star count), of the shop itself, and of another product.
  const base = Date.UTC(2026, 10, 1);
  const users = [];
  for (let i = 0; i < 36; i++) users.push(await t.createUser({ name: `Author ${i}` }));
  for (const [i, u] of users.entries()) {
    const createdAt = new Date(base + Math.floor(i / 3) * 60_000); // three at each time
    await db.review.create({
      data: {
        authorId: u.id,
        shopId,
        productId,
        rating: 1 + ((i * 7) % 5),
        title: i % 4 ? `Title ${i}` : null,
        body: `Body ${i}`,
        status: i % 11 === 5 ? "HIDDEN" : "VISIBLE",
        helpfulCount: (i * 5) % 4,
        createdAt,
        ...(i % 6 === 0 ? { reply: `Reply ${i}`, repliedAt: new Date(createdAt.getTime() + 1000) } : {}),
      },
    });
    if (i % 2 === 0) {
      await db.review.create({
        data: { authorId: u.id, shopId, productId: null, rating: 1 + (i % 5), body: `Shop ${i}`, helpfulCount: i % 3, createdAt, status: i === 10 ? "HIDDEN" : "VISIBLE" },
      });
    }
    if (i % 3 === 0) await db.review.create({ data: { authorId: u.id, shopId, productId: other, rating: 5, body: `Other ${i}`, createdAt } });
  }
  await recomputeFigures(db);
  const signIn = async (id: string, email: string) => ({ id, token: (await t.signIn(email)).token });
  const v = await t.createUser();
  viewer = await signIn(v.id, v.email);
  const a = users[0]!;
  author = await signIn(a.id, a.email);
  const voted = await db.review.findMany({ where: { productId, status: "VISIBLE" }, orderBy: { createdAt: "asc" }, take: 4, select: { id: true } });
  await db.reviewVote.createMany({ data: voted.map((r) => ({ reviewId: r.id, userId: viewer.id })) });
});
afterAll(() => t.close());

describe("review.listProduct and review.listShop", () => {
  for (const sort of REVIEW_SORTS) {
    for (const rating of [undefined, 2, 5]) {
      it(`pages ${sort}${rating ? `, ${rating} stars` : ""} exactly as the Prisma query did, hidden reviews left out`, async () => {
        const anon = await t.anon();
        for (const [list, where] of [
          ["product", { productId }],
          ["shop", { shopId, productId: null }],
        ] as const) {
          const expected = await oracle(where, sort, rating, 4);
          const pages: string[][] = [];
          let cursor: string | undefined;
          do {
            const input = { sort, limit: 4, ...(rating ? { rating } : {}), ...(cursor ? { cursor } : {}) };
            const page = list === "product" ? await anon.review.listProduct({ productId, ...input }) : await anon.review.listShop({ shopId, ...input });
            expect(page.summary === null).toBe(Boolean(cursor));
            pages.push(page.items.map((r) => r.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          expect(pages, `${list} ${sort} ${rating ?? ""}`).toEqual(expected);
          expect(pages.flat().length).toBeGreaterThan(rating ? 1 : 10);
        }
      });
    }
  }

  it("shows each review as before: author name, verified, reply, summary; mine and votedHelpful for the viewer", async () => {
    const db = t.database.prisma;
    const viewerPage = await (await t.as(viewer.token)).review.listProduct({ productId, limit: 50, sort: "rating_asc" });
    const rows = await db.review.findMany({
      where: { productId, status: "VISIBLE" },
      select: { id: true, rating: true, title: true, body: true, createdAt: true, sellerOrderId: true, helpfulCount: true, reply: true, repliedAt: true, author: { select: { name: true } } },
    });
    const votes = new Set((await db.reviewVote.findMany({ where: { userId: viewer.id }, select: { reviewId: true } })).map((v) => v.reviewId));
    expect(votes.size).toBe(4);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(viewerPage.items).toHaveLength(rows.length);
    for (const item of viewerPage.items) {
      const r = byId.get(item.id)!;
      expect(item).toEqual({
        id: r.id,
        rating: r.rating,
        title: r.title,
        body: r.body,
        createdAt: r.createdAt,
        verified: r.sellerOrderId !== null,
        author: { name: r.author.name },
        helpfulCount: r.helpfulCount,
        reply: r.reply && r.repliedAt ? { body: r.reply, createdAt: r.repliedAt } : null,
        mine: false,
        votedHelpful: votes.has(r.id),
      });
      expect(item.createdAt).toBeInstanceOf(Date);
    }
    expect(viewerPage.items.filter((i) => i.reply).length).toBeGreaterThan(0);
    const product = await db.product.findUniqueOrThrow({ where: { id: productId } });
    expect(viewerPage.summary).toEqual({
      ratingAvg: product.ratingAvg,
      ratingCount: product.ratingCount,
      histogram: { 1: product.rating1, 2: product.rating2, 3: product.rating3, 4: product.rating4, 5: product.rating5 },
    });
    expect(product.ratingCount).toBe(rows.length);
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
    const shopPage = await (await t.anon()).review.listShop({ shopId });
    expect(shopPage.summary).toEqual({ ratingAvg: shop.ratingAvg, ratingCount: shop.ratingCount, histogram: { 1: shop.rating1, 2: shop.rating2, 3: shop.rating3, 4: shop.rating4, 5: shop.rating5 } });
    const mine = await (await t.as(author.token)).review.listProduct({ productId, limit: 50 });
    expect(mine.items.filter((i) => i.mine).length).toBe(1);
  });

  it("answers NOT_FOUND for a product that is not listed and BAD_REQUEST for a bad or mismatched cursor", async () => {
    const anon = await t.anon();
    await expect(anon.review.listProduct({ productId: hiddenProductId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const bad = async (input: Parameters<typeof anon.review.listProduct>[0]) => {
      const err = await anon.review.listProduct(input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
    };
    await bad({ productId, cursor: "not-a-cursor" });
    // A newest-first cursor (no sort value) on the helpful sort.
    await bad({ productId, sort: "helpful", cursor: encodeReviewCursor({ t: Date.now(), id: "x" }) });
    // A cursor past every review: an empty page, no next cursor.
    const end = await anon.review.listProduct({ productId, sort: "rating_asc", cursor: encodeReviewCursor({ k: 5, t: 0, id: "" + "0" }) });
    expect(end).toEqual({ items: [], nextCursor: null, summary: null });
  });
});
