import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { TestApp } from "./harness.ts";
import { PRIOR_MEAN, PRIOR_WEIGHT } from "../modules/reviews/review-figures.ts";
import type { ProductStatus, ShopStatus } from "@marketplace/shared";

/**
 * Small factories for integration tests: rows written straight to the database, with only what
 * a test names and sensible defaults for the rest.
 */
let n = 0;
const next = () => ++n;

export async function makeCategory(db: Db, opts: { name?: string; parentId?: string | null } = {}) {
  const i = next();
  const name = opts.name ?? `Category ${i}`;
  return db.category.create({
    data: { name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${i}-${randomBytes(3).toString("hex")}`, parentId: opts.parentId ?? null },
  });
}

export async function makeShop(db: Db, ownerId: string, opts: { name?: string; status?: ShopStatus } = {}) {
  const i = next();
  const name = opts.name ?? `Shop ${i}`;
  const status = opts.status ?? "ACTIVE";
  return db.shop.create({
    data: {
      ownerId,
      name,
      slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`,
      status,
      approvedAt: status === "ACTIVE" ? new Date() : null,
      // The founder is the shop's first OWNER member, as shop.create makes them.
      members: { create: { userId: ownerId, role: "OWNER" } },
    },
  });
}

/** Rating figures as reviews would leave them: the sum and the Bayesian score follow the average and count. */
function figuresOf(ratingAvg: number, ratingCount: number) {
  const ratingSum = Math.round(ratingAvg * ratingCount);
  return { ratingAvg, ratingCount, ratingSum, ratingScore: (PRIOR_MEAN * PRIOR_WEIGHT + ratingSum) / (PRIOR_WEIGHT + ratingCount) };
}

export interface MakeVariant {
  sku?: string;
  title?: string;
  priceCents?: number;
  stock?: number;
}

export async function makeProduct(
  db: Db,
  shopId: string,
  categoryId: string,
  opts: { title?: string; description?: string; status?: ProductStatus; createdAt?: Date; ratingAvg?: number; ratingCount?: number; variants?: MakeVariant[] } = {},
) {
  const i = next();
  const title = opts.title ?? `Product ${i}`;
  const variants = opts.variants ?? [{}];
  const product = await db.product.create({
    data: {
      shopId,
      categoryId,
      title,
      slug: `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${i}`,
      description: opts.description ?? "",
      status: opts.status ?? "ACTIVE",
      ...figuresOf(opts.ratingAvg ?? 0, opts.ratingCount ?? 0),
      ...(opts.createdAt ? { createdAt: opts.createdAt } : {}),
      variants: {
        create: variants.map((v, k) => ({
          shopId,
          sku: v.sku ?? `SKU-${i}-${k}`,
          title: v.title ?? `Variant ${k + 1}`,
          priceCents: v.priceCents ?? 1000,
          stock: v.stock ?? 10,
          position: k,
        })),
      },
    },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  // The starting stock in the stock history, as the seed writes it: `pnpm doctor` holds on factory data too.
  const stocked = product.variants.filter((v) => v.stock !== 0);
  if (stocked.length) await db.stockMovement.createMany({ data: stocked.map((v) => ({ variantId: v.id, reason: "SEED" as const, delta: v.stock })) });
  return product;
}

/**
 * A DELIVERED order of `buyerId` for one unit of each variant given (all from one shop), written
 * straight to the database: what entitles a buyer to review.
 */
export async function makeDeliveredOrder(
  db: Db,
  buyerId: string,
  shopId: string,
  lines: { productId: string; variantId: string; priceCents?: number }[],
  status: "DELIVERED" | "PAID" | "SHIPPED" = "DELIVERED",
) {
  const subtotal = lines.reduce((s, l) => s + (l.priceCents ?? 1000), 0);
  const order = await db.order.create({
    data: {
      buyerId,
      status,
      totalCents: subtotal,
      idempotencyKey: `made-${next()}-${randomBytes(4).toString("hex")}`,
      requestHash: "made-by-factory",
      shippingAddress: { name: "Test Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
      paidAt: new Date(),
    },
  });
  const sellerOrder = await db.sellerOrder.create({
    data: {
      orderId: order.id,
      shopId,
      status,
      subtotalCents: subtotal,
      commissionBps: 1000,
      commissionCents: Math.round(subtotal / 10),
      ...(status === "DELIVERED" ? { shippedAt: new Date(), deliveredAt: new Date(), trackingNumber: "TRACK" } : {}),
    },
  });
  await db.orderItem.createMany({
    data: lines.map((l) => ({
      orderId: order.id,
      sellerOrderId: sellerOrder.id,
      productId: l.productId,
      variantId: l.variantId,
      productTitle: "Product",
      variantTitle: "Variant",
      sku: "SKU",
      unitPriceCents: l.priceCents ?? 1000,
      quantity: 1,
      lineTotalCents: l.priceCents ?? 1000,
    })),
  });
  return { orderId: order.id, sellerOrderId: sellerOrder.id };
}

/** The settings of the orders' tests: a 10 % fee, no background sweep, room for many unpaid orders. */
export const ORDER_TEST_CONFIG = { PLATFORM_FEE_BPS: "1000", SWEEP_INTERVAL_SECONDS: "0", MAX_UNPAID_ORDERS: "1000", MAX_HELD_UNITS: "100000" };

export const TEST_ADDRESS = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };

/**
 * Orders over two shops, placed through the procedures as a buyer would: `shop` makes a seller
 * with an ACTIVE shop selling one variant (signed in), `buyer` a signed-in buyer, and `order` a
 * checkout of 2 units from shop A and 1 from shop B with its two seller orders.
 */
export async function twoShopOrderMaker(t: TestApp, keyPrefix: string) {
  const db = t.database.prisma;
  const categoryId = (await makeCategory(db)).id;
  let keyN = 0;
  async function shop(priceCents: number, stock = 1000) {
    const owner = await t.createUser({ role: "SELLER" });
    const s = await makeShop(db, owner.id);
    const product = await makeProduct(db, s.id, categoryId, { variants: [{ priceCents, stock }] });
    return { owner, shop: s, variantId: product.variants[0]!.id, seller: (await t.signIn(owner.email)).caller };
  }
  async function buyer() {
    const u = await t.createUser();
    return { ...u, caller: (await t.signIn(u.email)).caller };
  }
  type Shop = Awaited<ReturnType<typeof shop>>;
  async function order(bea: Awaited<ReturnType<typeof buyer>>, a: Shop, b: Shop) {
    await bea.caller.cart.add({ variantId: a.variantId, quantity: 2 });
    await bea.caller.cart.add({ variantId: b.variantId, quantity: 1 });
    const placed = await bea.caller.checkout.placeOrder({ idempotencyKey: `${keyPrefix}-${++keyN}-${Date.now()}`, shippingAddress: TEST_ADDRESS });
    const parts = await db.sellerOrder.findMany({ where: { orderId: placed.orderId }, select: { id: true, shopId: true } });
    return { orderId: placed.orderId, soA: parts.find((p) => p.shopId === a.shop.id)!.id, soB: parts.find((p) => p.shopId === b.shop.id)!.id };
  }
  return { categoryId, shop, buyer, order };
}
