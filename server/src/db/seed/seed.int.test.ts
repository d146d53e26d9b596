import { figureMismatches } from "../../test/review-oracle.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_STATUSES } from "@marketplace/shared";
import { verifyPassword } from "../../modules/auth/password.ts";
import { payoutChecks } from "../../modules/payouts/payout-checks.ts";
import { createTestDatabase, type TestDatabase } from "../../test/db.ts";
import { ALREADY_PRESENT, buildDemoData, seedDemo } from "./index.ts";

let database: TestDatabase;
let summary: string;
const db = () => database.prisma;
/** Runs a query that counts rule breakers; the answer should be 0. */
const violations = async (sql: string) =>
  (await db().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM (${sql}) AS bad`))[0]?.n;

const TABLES = [
  "users", "categories", "shops", "products", "product_images", "variants", "orders", "seller_orders",
  "order_items", "payments", "ledger_entries", "reviews", "activities",
] as const;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TABLES) {
    counts[t] = (await db().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${t}"`))[0]?.n ?? -1;
  }
  return counts;
}

beforeAll(async () => {
  database = await createTestDatabase();
  summary = await seedDemo(database.prisma);
});
afterAll(() => database?.close());

describe("seedDemo", () => {
  it("summarises what it created", () => {
    expect(summary).toMatch(/^\d+ users, \d+ categories, 7 shops, \d+ products, \d+ orders, \d+ reviews$/);
  });

  it("keeps every payout money check (charges split into nets and commissions, ledger per seller order)", async () => {
    for (const check of payoutChecks) {
      const result = await db().$transaction((tx) => check.run(tx));
      expect({ check: check.name, offending: result.offending }).toEqual({ check: check.name, offending: [] });
    }
  });

  it("creates the three documented accounts with their roles and the demo password", async () => {
    const users = await db().user.findMany({
      where: { email: { in: ["admin@demo.test", "seller@demo.test", "buyer@demo.test"] } },
      select: { email: true, name: true, role: true, passwordHash: true },
      orderBy: { email: "asc" },
    });
    expect(users.map((u) => [u.email, u.name, u.role])).toEqual([
      ["admin@demo.test", "Ada Admin", "ADMIN"],
      ["buyer@demo.test", "Bea Buyer", "BUYER"],
      ["seller@demo.test", "Sam Seller", "SELLER"],
    ]);
    expect(await verifyPassword(users[0]!.passwordHash, "demo-password-1")).toBe(true);
  });

  it("opens six approved shops owned by sellers and one pending shop whose owner is still a buyer", async () => {
    const shops = await db().shop.findMany({ include: { owner: { select: { email: true, role: true } } } });
    const active = shops.filter((s) => s.status === "ACTIVE");
    const pending = shops.filter((s) => s.status === "PENDING");
    expect(active).toHaveLength(6);
    expect(pending).toHaveLength(1);
    expect(active.every((s) => s.approvedAt && s.owner.role === "SELLER" && s.logoUrl?.startsWith("data:image/svg+xml,"))).toBe(true);
    expect(pending[0]!.approvedAt).toBeNull();
    expect(pending[0]!.owner.role).toBe("BUYER");
    expect(active.some((s) => s.owner.email === "seller@demo.test")).toBe(true);
  });

  it("builds a nested category tree and puts products only in its leaves", async () => {
    const categories = await db().category.findMany();
    expect(categories.length).toBeGreaterThanOrEqual(8);
    expect(categories.some((c) => c.parentId)).toBe(true);
    expect(await violations(`SELECT 1 FROM products p WHERE EXISTS (SELECT 1 FROM categories c WHERE c.parent_id = p.category_id)`)).toBe(0);
  });

  it("lists ≥150 active products, each with 1–4 variants and 1–3 small SVG pictures, spread over ~90 days", async () => {
    const products = await db().product.findMany({
      include: { variants: true, images: true },
    });
    const active = products.filter((p) => p.status === "ACTIVE");
    expect(active.length).toBeGreaterThanOrEqual(150);
    for (const p of products) {
      expect(p.variants.length, p.title).toBeGreaterThanOrEqual(1);
      expect(p.variants.length, p.title).toBeLessThanOrEqual(4);
      expect(p.images.length, p.title).toBeGreaterThanOrEqual(1);
      expect(p.images.length, p.title).toBeLessThanOrEqual(3);
      for (const img of p.images) {
        expect(img.url.startsWith("data:image/svg+xml,")).toBe(true);
        expect(img.url.length).toBeLessThan(1500);
        expect(img.alt).toBe(p.title);
      }
      for (const v of p.variants) {
        expect(Number.isInteger(v.priceCents) && v.priceCents > 0).toBe(true);
        expect(v.stock).toBeGreaterThanOrEqual(0);
        expect(v.stock).toBeLessThanOrEqual(60);
        expect(v.shopId).toBe(p.shopId);
      }
    }
    const variants = products.flatMap((p) => p.variants);
    expect(variants.some((v) => v.stock === 0)).toBe(true);
    const times = active.map((p) => p.createdAt.getTime());
    expect((Math.max(...times) - Math.min(...times)) / 86_400_000).toBeGreaterThan(60);
    // The generated titles make search meaningful.
    const hits = await db().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM products WHERE search_vector @@ plainto_tsquery('english', 'merino')`,
    );
    expect(hits[0]?.n).toBeGreaterThan(0);
  });

  it("places orders in every status, the demo buyer's including delivered, shipped and awaiting payment", async () => {
    const orders = await db().order.findMany({ include: { buyer: { select: { email: true } } } });
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
    const bea = new Set(orders.filter((o) => o.buyer.email === "buyer@demo.test").map((o) => o.status));
    for (const s of ["DELIVERED", "SHIPPED", "PENDING_PAYMENT"] as const) expect(bea.has(s)).toBe(true);
  });

  it("keeps every order's money consistent: total = Σ seller subtotals = Σ line totals, 10% commission", async () => {
    const orders = await db().order.findMany({ include: { sellerOrders: { include: { items: true } }, items: true, payments: true } });
    for (const o of orders) {
      expect(o.sellerOrders.length).toBeGreaterThanOrEqual(1);
      expect(o.totalCents).toBe(o.sellerOrders.reduce((sum, so) => sum + so.subtotalCents, 0));
      expect(o.totalCents).toBe(o.items.reduce((sum, i) => sum + i.lineTotalCents, 0));
      for (const so of o.sellerOrders) {
        expect(so.status).toBe(o.status);
        expect(so.subtotalCents).toBe(so.items.reduce((sum, i) => sum + i.unitPriceCents * i.quantity, 0));
        expect(so.commissionBps).toBe(1000);
        expect(so.commissionCents).toBe(Math.round(so.subtotalCents * 0.1));
      }
      expect(o.payments).toHaveLength(1);
      expect(o.payments[0]!.amountCents).toBe(o.totalCents);
    }
  });

  it("books every paid seller order in its shop's ledger (and every refund), so the sales pages add up", async () => {
    const sellerOrders = await db().sellerOrder.findMany({ include: { ledger: true } });
    for (const so of sellerOrders) {
      const byKind = Object.fromEntries(so.ledger.map((e) => [e.kind, e.amountCents]));
      const paid = !["PENDING_PAYMENT", "CANCELLED"].includes(so.status);
      const expected: Record<string, number> = paid ? { SALE: so.subtotalCents, COMMISSION: -so.commissionCents } : {};
      if (so.status === "REFUNDED") Object.assign(expected, { REFUND: -so.subtotalCents, COMMISSION_REFUND: so.commissionCents });
      expect(byKind, `${so.status} seller order`).toEqual(expected);
    }
    const refunded = await db().payment.findMany({ where: { status: "REFUNDED" } });
    expect(refunded.length).toBeGreaterThan(0);
    for (const p of refunded) expect(p.refundedCents).toBe(p.amountCents);
  });

  it("sets payments and timestamps that agree with each status", async () => {
    const orders = await db().order.findMany({ include: { sellerOrders: true, payments: true } });
    const paymentFor = { PENDING_PAYMENT: "PENDING", CANCELLED: "CANCELLED", REFUNDED: "REFUNDED" } as Record<string, string>;
    for (const o of orders) {
      const paid = !["PENDING_PAYMENT", "CANCELLED"].includes(o.status);
      expect(o.payments[0]!.status).toBe(paymentFor[o.status] ?? "SUCCEEDED");
      expect(Boolean(o.paidAt)).toBe(paid);
      expect(Boolean(o.cancelledAt)).toBe(["CANCELLED", "REFUNDED"].includes(o.status));
      expect(Boolean(o.expiresAt)).toBe(o.status === "PENDING_PAYMENT");
      for (const so of o.sellerOrders) {
        const shipped = ["SHIPPED", "DELIVERED"].includes(o.status);
        expect(Boolean(so.shippedAt && so.trackingNumber)).toBe(shipped);
        expect(Boolean(so.deliveredAt)).toBe(o.status === "DELIVERED");
        if (so.shippedAt) expect(so.shippedAt > o.paidAt!).toBe(true);
        if (so.deliveredAt) expect(so.deliveredAt > so.shippedAt!).toBe(true);
        expect(so.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
      }
    }
    // Nothing was ordered before it was listed.
    expect(await violations(`SELECT 1 FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id WHERE p.created_at >= o.created_at OR p.status <> 'ACTIVE'`)).toBe(0);
  });

  it("writes ~40 product reviews and a few shop reviews, each by a buyer whose seller order of it was delivered", async () => {
    const reviews = await db().review.findMany();
    const productReviews = reviews.filter((r) => r.productId);
    expect(productReviews.length).toBeGreaterThanOrEqual(35);
    expect(reviews.length - productReviews.length).toBeGreaterThanOrEqual(3);
    expect(reviews.some((r) => r.reply && r.repliedAt)).toBe(true);
    expect(reviews.filter((r) => r.rating >= 4).length).toBeGreaterThan(reviews.length / 2);
    expect(
      await violations(`
        SELECT 1 FROM reviews r
        LEFT JOIN seller_orders so ON so.id = r.seller_order_id
        LEFT JOIN orders o ON o.id = so.order_id
        WHERE so.id IS NULL OR so.status <> 'DELIVERED' OR o.buyer_id <> r.author_id OR so.shop_id <> r.shop_id
           OR r.created_at <= so.delivered_at
           OR (r.product_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM order_items i WHERE i.seller_order_id = so.id AND i.product_id = r.product_id))`),
    ).toBe(0);
  });

  it("stores rating figures (average, count, sum, per star, score) equal to a recomputation from the visible reviews", async () => {
    expect(await db().review.count({ where: { status: "HIDDEN" } })).toBeGreaterThan(0);
    expect(await figureMismatches(db())).toEqual([]);
    expect(await db().reviewReport.count()).toBeGreaterThan(0);
    expect(await db().product.count({ where: { ratingCount: { gt: 0 } } })).toBeGreaterThan(20);
  });

  it("logs sign-ups, shop approvals, orders and reviews in the activity feed", async () => {
    const kinds = new Set((await db().activity.findMany({ select: { kind: true } })).map((a) => a.kind));
    for (const k of ["user.registered", "shop.created", "shop.approved", "order.placed", "order.paid", "review.created"]) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it("changes nothing when run again", async () => {
    const before = await rowCounts();
    expect(await seedDemo(database.prisma)).toBe(ALREADY_PRESENT);
    expect(await rowCounts()).toEqual(before);
  });
});

describe("buildDemoData", () => {
  it("builds the same data every time for the same moment (only ids differ)", () => {
    const now = new Date("2030-01-15T12:00:00Z");
    const strip = (d: ReturnType<typeof buildDemoData>) => ({
      products: d.products.map((p) => [p.title, p.slug, p.description, p.ratingAvg, p.createdAt]),
      variants: d.variants.map((v) => [v.sku, v.title, v.priceCents, v.stock]),
      orders: d.orders.map((o) => [o.status, o.totalCents, o.createdAt]),
      reviews: d.reviews.map((r) => [r.rating, r.body, r.createdAt]),
    });
    expect(strip(buildDemoData(now, "hash"))).toEqual(strip(buildDemoData(now, "hash")));
  });
});
