import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import type { TestApp } from "../../test/harness.ts";

/**
 * Orders across days, two shops, every money path (paid, paid then refunded by the seller, never
 * paid then cancelled, shipped) made through the real procedures, then moved to fixed instants so
 * that the dashboards' figures can be computed by hand. Commission is PLATFORM_FEE_BPS=1000 (10%).
 *
 * | # | buyer | placed (UTC)      | parts                          | what happened                          |
 * |---|-------|-------------------|--------------------------------|----------------------------------------|
 * | 1 | bea   | 2026-01-10 15:00  | A: mug ×2 = 40.00              | paid at once                           |
 * | 2 | bea   | 2026-01-11 03:30  | A: pin ×1 = 5.00, B: tea ×1 = 10.00 | paid at once (New York: 01-10 22:30) |
 * | 3 | cal   | 2026-01-12 12:00  | B: tea ×3 = 30.00              | paid; B cancels 2026-01-13 12:00: refund |
 * | 4 | cal   | 2026-01-12 20:00  | A: mug ×1 = 20.00              | never paid; the buyer cancels          |
 * | 5 | dan   | 2026-01-13 10:00  | A: mug ×1 = 20.00              | paid, then A ships it                  |
 *
 * Users: bea signs up 2026-01-10 01:00 (New York: 01-09), cal 2026-01-12 09:00, dan 2026-01-13 03:00 (New York: 01-12);
 * sellers and shops 2026-01-01. Reviews of shop A: 5 stars 2026-01-11 12:00, 2 stars 2026-01-13 12:00.
 */
export async function seedStatsFixture(t: TestApp) {
  const db = t.database.prisma;
  const categoryId = (await makeCategory(db)).id;
  const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
  let keyN = 0;

  async function shop(name: string, products: { title: string; priceCents: number }[]) {
    const owner = await t.createUser({ role: "SELLER", name: `${name} owner` });
    const s = await makeShop(db, owner.id, { name });
    const made = [];
    for (const p of products) made.push(await makeProduct(db, s.id, categoryId, { title: p.title, variants: [{ priceCents: p.priceCents, stock: 1000 }] }));
    return { owner, shop: s, products: made, caller: async () => (await t.signIn(owner.email)).caller };
  }
  const a = await shop("Alpha", [{ title: "Mug", priceCents: 2000 }, { title: "Pin", priceCents: 500 }]);
  const b = await shop("Beta", [{ title: "Tea", priceCents: 1000 }]);
  const [mug, pin] = [a.products[0]!, a.products[1]!];
  const tea = b.products[0]!;

  async function buyer(name: string) {
    const u = await t.createUser({ name });
    return { ...u, caller: (await t.signIn(u.email)).caller };
  }
  const [bea, cal, dan] = [await buyer("Bea"), await buyer("Cal"), await buyer("Dan")];
  type Buyer = typeof bea;

  async function order(who: Buyer, lines: { variantId: string; quantity: number }[], placedAt: string, paid: boolean) {
    for (const l of lines) await who.caller.cart.add(l);
    const { orderId } = await who.caller.checkout.placeOrder({ idempotencyKey: `stats-${++keyN}-${Date.now()}`, shippingAddress: address });
    if (paid) await who.caller.payment.confirmTest({ id: orderId });
    const at = new Date(placedAt);
    await db.order.update({ where: { id: orderId }, data: { createdAt: at, ...(paid ? { paidAt: at } : {}) } });
    await db.sellerOrder.updateMany({ where: { orderId }, data: { createdAt: at } });
    await db.ledgerEntry.updateMany({ where: { sellerOrder: { orderId } }, data: { createdAt: at } });
    return { orderId, part: async (shopId: string) => (await db.sellerOrder.findFirstOrThrow({ where: { orderId, shopId } })).id };
  }

  await order(bea, [{ variantId: mug.variants[0]!.id, quantity: 2 }], "2026-01-10T15:00:00Z", true);
  await order(bea, [{ variantId: pin.variants[0]!.id, quantity: 1 }, { variantId: tea.variants[0]!.id, quantity: 1 }], "2026-01-11T03:30:00Z", true);
  const o3 = await order(cal, [{ variantId: tea.variants[0]!.id, quantity: 3 }], "2026-01-12T12:00:00Z", true);
  const o3b = await o3.part(b.shop.id);
  await (await b.caller()).sellerOrder.cancel({ id: o3b });
  const refundedAt = new Date("2026-01-13T12:00:00Z");
  await db.ledgerEntry.updateMany({ where: { sellerOrderId: o3b, kind: { in: ["REFUND", "COMMISSION_REFUND"] } }, data: { createdAt: refundedAt } });
  await db.sellerOrder.update({ where: { id: o3b }, data: { cancelledAt: refundedAt } });
  const o4 = await order(cal, [{ variantId: mug.variants[0]!.id, quantity: 1 }], "2026-01-12T20:00:00Z", false);
  await cal.caller.order.cancel({ id: o4.orderId });
  const o5 = await order(dan, [{ variantId: mug.variants[0]!.id, quantity: 1 }], "2026-01-13T10:00:00Z", true);
  const sellerA = await a.caller();
  const o5a = await o5.part(a.shop.id);
  await sellerA.sellerOrder.updateStatus({ id: o5a, status: "PROCESSING" });
  await sellerA.sellerOrder.updateStatus({ id: o5a, status: "SHIPPED", trackingNumber: "TRACK-1" });

  const day = (s: string) => new Date(s);
  await db.user.updateMany({ where: { id: { in: [a.owner.id, b.owner.id] } }, data: { createdAt: day("2026-01-01T12:00:00Z") } });
  await db.shop.updateMany({ where: { id: { in: [a.shop.id, b.shop.id] } }, data: { createdAt: day("2026-01-01T12:00:00Z") } });
  await db.user.update({ where: { id: bea.id }, data: { createdAt: day("2026-01-10T01:00:00Z") } });
  await db.user.update({ where: { id: cal.id }, data: { createdAt: day("2026-01-12T09:00:00Z") } });
  await db.user.update({ where: { id: dan.id }, data: { createdAt: day("2026-01-13T03:00:00Z") } });
  await db.review.create({ data: { authorId: bea.id, shopId: a.shop.id, rating: 5, body: "Lovely mug", createdAt: day("2026-01-11T12:00:00Z") } });
  await db.review.create({ data: { authorId: dan.id, shopId: a.shop.id, rating: 2, body: "Slow", createdAt: day("2026-01-13T12:00:00Z") } });

  return { a, b, mug, pin, tea, bea, cal, dan };
}
