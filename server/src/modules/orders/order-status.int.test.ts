import type { OrderStatus } from "@marketplace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usingPostgres } from "../../test/db.ts";
import { ORDER_TEST_CONFIG, twoShopOrderMaker } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { lockWaiters } from "../../test/locks.ts";
import { until } from "../../test/until.ts";
import { deriveOrderStatus } from "./order-status.ts";

/**
 * The order's status is derived from its seller orders, each time one of them changes. Two shops
 * moving their parts of one order at the same moment must not each write a status derived from
 * the other's part as it was before: every such change takes the order's lock first
 * (order-lock.ts), so the second one derives the status from what the first committed.
 */
let t: TestApp;
let orders: Awaited<ReturnType<typeof twoShopOrderMaker>>;

beforeAll(async () => {
  t = await createTestApp({ config: ORDER_TEST_CONFIG });
  orders = await twoShopOrderMaker(t, "order-status");
});
afterAll(() => t.close());

const db = () => t.database.prisma;
const shop = (priceCents: number) => orders.shop(priceCents, 10_000);
type Shop = Awaited<ReturnType<typeof shop>>;

/** A paid order with one part from each shop, both parts PROCESSING. */
async function processingOrder(a: Shop, b: Shop) {
  const bea = await orders.buyer();
  const { orderId, soA, soB } = await orders.order(bea, a, b);
  await bea.caller.payment.confirmTest({ id: orderId });
  await a.seller.sellerOrder.updateStatus({ id: soA, status: "PROCESSING" });
  await b.seller.sellerOrder.updateStatus({ id: soB, status: "PROCESSING" });
  return { orderId, soA, soB };
}

/**
 * Runs `moves` so that they overlap for certain. A transaction of the test holds the order's row
 * while they start, and lets go only once every move is seen waiting for a lock. With the order's
 * lock they all wait at lockOrder and then run one after the other. Without it, each has already
 * changed its own part and read the other's (uncommitted, so as it was) and waits only to write
 * the status it derived from that: the stale write this test is about.
 */
async function atOnce(orderId: string, moves: (() => Promise<unknown>)[]) {
  const holder = await t.database.connect();
  const watcher = await t.database.connect();
  try {
    await holder.exec("BEGIN");
    await holder.query(`SELECT 1 FROM "orders" WHERE "id" = $1 FOR UPDATE`, [orderId]);
    const running = Promise.allSettled(moves.map((move) => move()));
    await until(async () => (await lockWaiters(watcher)) >= moves.length, `${moves.length} moves waiting for the order's row`);
    await holder.exec("COMMIT");
    return await running;
  } finally {
    await holder.exec("ROLLBACK").catch(() => undefined); // only if something above threw
    await holder.close();
    await watcher.close();
  }
}

async function statuses(orderId: string) {
  const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  const parts = await db().sellerOrder.findMany({ where: { orderId }, select: { status: true } });
  return { order: order.status, derived: deriveOrderStatus(parts.map((p) => p.status)) };
}

describe.skipIf(!usingPostgres)("the order's status while two shops move their parts at once (PostgreSQL, 30 rounds)", () => {
  it("is always what its seller orders say, whether one ships while the other cancels, both ship, or both deliver", async () => {
    const [a, b] = [await shop(2000), await shop(1000)];
    for (let round = 0; round < 30; round++) {
      const { orderId, soA, soB } = await processingOrder(a, b);
      const ship = (s: Shop, id: string) => () => s.seller.sellerOrder.updateStatus({ id, status: "SHIPPED", trackingNumber: `TRACK-${round}-${id.slice(-6)}` });
      const deliver = (s: Shop, id: string) => () => s.seller.sellerOrder.updateStatus({ id, status: "DELIVERED" });
      let kind: string;
      let moves: (() => Promise<unknown>)[];
      let expected: OrderStatus;
      if (round % 3 === 0) {
        [kind, expected, moves] = ["A ships while B cancels", "SHIPPED", [ship(a, soA), () => b.seller.sellerOrder.cancel({ id: soB })]];
      } else if (round % 3 === 1) {
        [kind, expected, moves] = ["both ship", "SHIPPED", [ship(a, soA), ship(b, soB)]];
      } else {
        await ship(a, soA)();
        await ship(b, soB)();
        [kind, expected, moves] = ["both deliver", "DELIVERED", [deliver(a, soA), deliver(b, soB)]];
      }
      const results = await atOnce(orderId, moves);
      expect(results.map((r) => r.status), kind).toEqual(["fulfilled", "fulfilled"]);
      expect(await statuses(orderId), `round ${round}: ${kind}`).toEqual({ order: expected, derived: expected });
    }
  }, 120_000);
});
