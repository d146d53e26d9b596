import { newId } from "../../lib/ids.ts";
import type { Db, Tx } from "../client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
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
import { insertRows, tableColumns } from "./bulk-insert.ts";
import { buildStockMovements } from "./stock.ts";

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
  withCatalogFigures(catalog.products.map((p) => p.row), catalog.variants);
  return {
    users: users.rows,
    categories: categories.rows,
    shops: shops.map((s) => s.row),
    // Each shop's founder is its first OWNER member.
    shopMembers: shops.map((s) => ({ id: newId(), shopId: s.id, userId: s.ownerId, role: "OWNER", createdAt: s.row.createdAt, updatedAt: s.row.createdAt })),
    products: catalog.products.map((p) => p.row),
    variants: catalog.variants,
    images: catalog.images,
    orders: orders.orders,
    sellerOrders: orders.sellerOrders,
    orderItems: orders.items,
    payments: orders.payments,
    ledger: orders.ledger,
    stockMovements: buildStockMovements(catalog.variants, orders.sellerOrders, orders.items),
    reviews,
    reviewReports,
    activities: log.sorted(),
  };
}

type DemoData = ReturnType<typeof buildDemoData>;

/**
 * Each product's lowest and highest variant price and whether one is in stock, written with the
 * product as the variants' trigger (migration catalog_denormalized) would compute them at commit:
 * the trigger then finds nothing to change, instead of rewriting every product once per variant
 * (each rewrite recomputes its search vector and its index entries).
 */
function withCatalogFigures(products: Prisma.ProductCreateManyInput[], variants: readonly Prisma.VariantCreateManyInput[]): void {
  const byProduct = new Map<string, Prisma.VariantCreateManyInput[]>();
  for (const v of variants) byProduct.set(v.productId, [...(byProduct.get(v.productId) ?? []), v]);
  for (const product of products) {
    const own = byProduct.get(product.id!) ?? [];
    if (!own.length) continue;
    product.minPriceCents = Math.min(...own.map((v) => v.priceCents));
    product.maxPriceCents = Math.max(...own.map((v) => v.priceCents));
    product.inStock = own.some((v) => (v.stock ?? 0) > 0);
  }
}

/** Each table in one set-based statement (bulk-insert.ts), in foreign-key order. */
const TABLES: [table: string, rows: (d: DemoData) => readonly object[]][] = [
  ["users", (d) => d.users],
  ["categories", (d) => d.categories],
  ["shops", (d) => d.shops],
  ["shop_members", (d) => d.shopMembers],
  ["products", (d) => d.products],
  ["variants", (d) => d.variants],
  ["product_images", (d) => d.images],
  ["orders", (d) => d.orders],
  ["seller_orders", (d) => d.sellerOrders],
  ["order_items", (d) => d.orderItems],
  ["payments", (d) => d.payments],
  ["ledger_entries", (d) => d.ledger],
  ["stock_movements", (d) => d.stockMovements],
  ["reviews", (d) => d.reviews],
  ["review_reports", (d) => d.reviewReports],
  ["activities", (d) => d.activities],
];

async function insert(tx: Tx, d: DemoData): Promise<void> {
  const columns = await tableColumns(tx, TABLES.map(([table]) => table));
  for (const [table, rows] of TABLES) await insertRows(tx, table, rows(d), columns.get(table)!);
}
