/**
 * The checkout benchmark's databases. A template is created from scratch, migrated with the
 * project's migrator and seeded once: 5 ACTIVE shops × 4 hot variants (one product each), the
 * buyers with a session each (createSession: no argon2 per buyer) and an empty cart each. Every
 * measured phase (ours or raw, in every run) gets its own `CREATE DATABASE … TEMPLATE` copy, so
 * they all start from the same stock and the same sessions. Everything is dropped at the end.
 */
import type pg from "pg";
import { hashPassword } from "../../server/src/modules/auth/password.ts";
import { createSession } from "../../server/src/modules/auth/session.service.ts";
import { adminQuery, checkDatabaseName, createMigratedDatabase, dropDatabase, withDatabase } from "../lib/databases.ts";

export interface Buyer {
  id: string;
  token: string;
  cartId: string;
}

export interface HotVariant {
  id: string;
  shopId: string;
  priceCents: number;
  initialStock: number;
}

export interface Seeded {
  buyers: Buyer[];
  variants: HotVariant[];
}

export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<string> {
  checkDatabaseName(name);
  checkDatabaseName(template);
  await dropDatabase(adminUrl, name);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return withDatabase(adminUrl, name);
}

export async function createTemplate(
  adminUrl: string,
  name: string,
  opts: { buyers: number; shops: number; variantsPerShop: number; stock: number },
): Promise<Seeded> {
  const { database } = await createMigratedDatabase(adminUrl, name, 8);
  try {
    const db = database.prisma;
    const passwordHash = await hashPassword("bench-password-not-used"); // once; nobody logs in
    const category = await db.category.create({ data: { name: "Bench", slug: "bench" } });
    const variants: HotVariant[] = [];
    for (let s = 0; s < opts.shops; s++) {
      const seller = await db.user.create({ data: { email: `seller${s}@bench.test`, name: `Bench Seller ${s}`, role: "SELLER", passwordHash } });
      const shop = await db.shop.create({
        data: { ownerId: seller.id, name: `Bench Shop ${s}`, slug: `bench-shop-${s}`, status: "ACTIVE", approvedAt: new Date() },
      });
      for (let v = 0; v < opts.variantsPerShop; v++) {
        const priceCents = 500 + 250 * ((s * opts.variantsPerShop + v) % 7);
        const product = await db.product.create({
          data: {
            shopId: shop.id,
            categoryId: category.id,
            title: `Hot item ${s}-${v}`,
            slug: `hot-item-${s}-${v}`,
            status: "ACTIVE",
            variants: { create: [{ shopId: shop.id, sku: `HOT-${s}-${v}`, title: "Default", priceCents, stock: opts.stock, position: 0 }] },
          },
          select: { variants: { select: { id: true } } },
        });
        variants.push({ id: product.variants[0]!.id, shopId: shop.id, priceCents, initialStock: opts.stock });
      }
    }
    await db.user.createMany({
      data: Array.from({ length: opts.buyers }, (_, i) => ({
        email: `buyer${String(i).padStart(4, "0")}@bench.test`,
        name: `Bench Buyer ${i}`,
        role: "BUYER" as const,
        passwordHash,
      })),
    });
    const users = await db.user.findMany({ where: { role: "BUYER" }, select: { id: true }, orderBy: { email: "asc" } });
    const buyers: Buyer[] = [];
    for (const u of users) {
      const { token } = await createSession(db, u.id, { ip: "127.0.0.1", userAgent: "bench", ttlDays: 1 });
      const cart = await db.cart.create({ data: { userId: u.id }, select: { id: true } });
      buyers.push({ id: u.id, token, cartId: cart.id });
    }
    return { buyers, variants };
  } finally {
    await database.close(); // a template must have no open connection to be copied
  }
}

/**
 * Gives every buyer a fresh cart of 1–3 distinct hot variants, quantity 1 each (what is left of
 * a failed attempt is cleared first). Not timed.
 */
export async function fillCarts(pool: pg.Pool, buyers: Buyer[], variants: HotVariant[], random: () => number): Promise<number> {
  const cartIds: string[] = [];
  const variantIds: string[] = [];
  const prices: number[] = [];
  for (const b of buyers) {
    const lines = 1 + Math.floor(random() * 3);
    const picked = new Set<number>();
    while (picked.size < lines) picked.add(Math.floor(random() * variants.length));
    for (const i of picked) {
      cartIds.push(b.cartId);
      variantIds.push(variants[i]!.id);
      prices.push(variants[i]!.priceCents);
    }
  }
  await pool.query(`DELETE FROM "cart_items" WHERE "cart_id" = ANY($1::text[])`, [buyers.map((b) => b.cartId)]);
  await pool.query(
    `INSERT INTO "cart_items" ("id", "cart_id", "variant_id", "quantity", "added_price_cents")
     SELECT gen_random_uuid()::text, c, v, 1, p FROM unnest($1::text[], $2::text[], $3::int[]) AS t(c, v, p)`,
    [cartIds, variantIds, prices],
  );
  return cartIds.length;
}

export interface InvariantReport {
  /** Variants whose stock is below zero (must be 0). */
  negativeStock: number;
  /** Variants where initial ≠ stock + units in non-cancelled orders (must be 0). */
  unaccounted: { variantId: string; initial: number; stock: number; sold: number }[];
  /** Orders whose total is not the sum of their lines, or with no line (must be 0). */
  badTotals: number;
  orders: number;
  unitsSold: number;
  unitsLeft: number;
  unitsInitial: number;
  soldOut: number;
}

/** The proof, in SQL, after a phase: no stock below zero, and every unit accounted for. */
export async function checkInvariants(pool: pg.Pool, variants: HotVariant[]): Promise<InvariantReport> {
  const initial = new Map(variants.map((v) => [v.id, v.initialStock]));
  const negative = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "variants" WHERE "stock" < 0`);
  const rows = await pool.query<{ id: string; stock: number; sold: string }>(`
    SELECT v."id", v."stock",
           COALESCE(SUM(oi."quantity") FILTER (WHERE o."status" <> 'CANCELLED'), 0) AS sold
      FROM "variants" v
      LEFT JOIN "order_items" oi ON oi."variant_id" = v."id"
      LEFT JOIN "orders" o ON o."id" = oi."order_id"
     GROUP BY v."id", v."stock"`);
  const bad = await pool.query<{ n: string }>(`
    SELECT count(*) AS n FROM "orders" o
     WHERE o."total_cents" IS DISTINCT FROM (SELECT SUM(oi."line_total_cents") FROM "order_items" oi WHERE oi."order_id" = o."id")`);
  const orders = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "orders"`);
  const unaccounted: InvariantReport["unaccounted"] = [];
  let unitsSold = 0;
  let unitsLeft = 0;
  let soldOut = 0;
  for (const r of rows.rows) {
    const sold = Number(r.sold);
    const init = initial.get(r.id);
    if (init === undefined || init !== r.stock + sold) unaccounted.push({ variantId: r.id, initial: init ?? NaN, stock: r.stock, sold });
    unitsSold += sold;
    unitsLeft += r.stock;
    if (r.stock === 0) soldOut += 1;
  }
  if (rows.rows.length !== variants.length) unaccounted.push({ variantId: "(variant count)", initial: variants.length, stock: rows.rows.length, sold: 0 });
  return {
    negativeStock: Number(negative.rows[0]!.n),
    unaccounted,
    badTotals: Number(bad.rows[0]!.n),
    orders: Number(orders.rows[0]!.n),
    unitsSold,
    unitsLeft,
    unitsInitial: variants.reduce((n, v) => n + v.initialStock, 0),
    soldOut,
  };
}
