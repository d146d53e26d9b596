import { newId } from "../../lib/ids.ts";
import type { Db, Tx } from "../client.ts";
import { buildCategories, buildShops } from "./catalog.ts";
import { CATEGORIES, SHOPS } from "./data/catalog.ts";
import { DEMO_PASSWORD_HASH, USERS } from "./data/people.ts";
import { buildOrders } from "./orders.ts";
import { buildProducts } from "./products.ts";
import { Rng } from "./random.ts";
import { applyRatings, buildReviews } from "./reviews.ts";
import { ActivityLog } from "./types.ts";
import { buildUsers } from "./users.ts";
import { isUniqueViolation } from "../errors.ts";

export const ALREADY_PRESENT = "demo data already present";

export interface SeedOptions {
  /** The moment the demo data is built around (default: now); dates are relative to it. */
  now?: Date;
}

/**
 * Fills an empty database with a believable marketplace: demo users, a category tree, shops,
 * 150 products, orders in every status and reviews. Deterministic (a seeded PRNG; only ids and
 * the anchor date differ between runs), written in one transaction, and idempotent: when
 * `admin@demo.test` exists it writes nothing. Returns a one-line summary.
 */
export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<string> {
  if (await demoPresent(db)) return ALREADY_PRESENT;
  await assertNoConflicts(db);
  const data = buildDemoData(options.now ?? new Date(), DEMO_PASSWORD_HASH);
  try {
    await db.$transaction((tx) => insert(tx, data), { timeout: 120_000, maxWait: 20_000 });
  } catch (err) {
    // Another process seeded at the same moment: its transaction won the unique emails.
    if (isUniqueViolation(err) && (await demoPresent(db))) return ALREADY_PRESENT;
    throw err;
  }
  return [
    `${data.users.length} users`,
    `${data.categories.length} categories`,
    `${data.shops.length} shops`,
    `${data.products.length} products`,
    `${data.orders.length} orders`,
    `${data.reviews.length} reviews`,
  ].join(", ");
}

async function demoPresent(db: Db): Promise<boolean> {
  return Boolean(await db.user.findUnique({ where: { email: "admin@demo.test" }, select: { id: true } }));
}

/** Refuses to mix demo rows into a database that already holds some of their unique keys. */
async function assertNoConflicts(db: Db): Promise<void> {
  const [users, shops, categories] = await Promise.all([
    db.user.findMany({ where: { email: { in: USERS.map((u) => u.email) } }, select: { email: true } }),
    db.shop.findMany({ where: { slug: { in: SHOPS.map((s) => s.slug) } }, select: { slug: true } }),
    db.category.findMany({ where: { slug: { in: CATEGORIES.map((c) => c.slug) } }, select: { slug: true } }),
  ]);
  const taken = [...users.map((u) => u.email), ...shops.map((s) => `shop ${s.slug}`), ...categories.map((c) => `category ${c.slug}`)];
  if (taken.length) {
    throw new Error(`Cannot seed the demo data: the database already has ${taken.join(", ")}. Seed an empty database.`);
  }
}

/** Everything the seed writes, built in memory first (no database round trips). */
export function buildDemoData(now: Date, passwordHash: string) {
  const log = new ActivityLog(newId);
  const users = buildUsers(now, passwordHash, log);
  const categories = buildCategories();
  const shops = buildShops(now, users.user, log);
  const catalog = buildProducts(now, new Rng(0xc0ffee), shops, categories.categoryId);
  const orders = buildOrders(now, new Rng(0x0ddba11), users.user, shops, catalog.products, log);
  const { reviews, reports: reviewReports } = buildReviews(now, new Rng(0x5eed2), orders.delivered, shops, users.user, log);
  applyRatings(reviews, catalog.products, shops);
  return {
    users: users.rows,
    categories: categories.rows,
    shops: shops.map((s) => s.row),
    products: catalog.products.map((p) => p.row),
    variants: catalog.variants,
    images: catalog.images,
    orders: orders.orders,
    sellerOrders: orders.sellerOrders,
    orderItems: orders.items,
    payments: orders.payments,
    ledger: orders.ledger,
    reviews,
    reviewReports,
    activities: log.sorted(),
  };
}

type DemoData = ReturnType<typeof buildDemoData>;

/** Bulk inserts in foreign-key order. */
async function insert(tx: Tx, d: DemoData): Promise<void> {
  await tx.user.createMany({ data: d.users });
  await tx.category.createMany({ data: d.categories });
  await tx.shop.createMany({ data: d.shops });
  await tx.product.createMany({ data: d.products });
  await tx.variant.createMany({ data: d.variants });
  await tx.productImage.createMany({ data: d.images });
  await tx.order.createMany({ data: d.orders });
  await tx.sellerOrder.createMany({ data: d.sellerOrders });
  await tx.orderItem.createMany({ data: d.orderItems });
  await tx.payment.createMany({ data: d.payments });
  await tx.ledgerEntry.createMany({ data: d.ledger });
  await tx.review.createMany({ data: d.reviews });
  await tx.reviewReport.createMany({ data: d.reviewReports });
  await tx.activity.createMany({ data: d.activities });
}
