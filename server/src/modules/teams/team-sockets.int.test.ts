import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeCategory, makeProduct, makeShop, TEST_ADDRESS } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { caughtUp, connected, nextEvent, openSocket, record, type ClientSocket } from "../../test/sockets.ts";

/**
 * SECURITY 48: live rooms follow membership. A member's open sockets join the shop's room when
 * they accept an invitation, leave its money room when their role stops seeing prices, and leave
 * the shop's rooms when they are removed: at once, on every replica (with REDIS_URL, a socket on
 * replica A while the change is made through replica B).
 */
const redisUrl = process.env.REDIS_URL;

function scenario(name: string, replicas: boolean) {
  describe.skipIf(replicas && !redisUrl)(name, () => {
    let t: TestApp;
    let a: MarketplaceServer;
    let b: MarketplaceServer;
    let urlA: string;
    const sockets: ClientSocket[] = [];

    beforeAll(async () => {
      t = await createTestApp({ config: { SWEEP_INTERVAL_SECONDS: "0", PAYMENTS: "test" } });
      const config = loadConfig({
        NODE_ENV: "test",
        PORT: "0",
        SWEEP_INTERVAL_SECONDS: "0",
        ...(replicas ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test-teams-${process.pid}-${Date.now()}:` } : {}),
      });
      a = await createServer({ ...t.deps, config });
      urlA = await a.start();
      b = replicas ? await createServer({ ...t.deps, config }) : a;
      if (replicas) await b.start();
      t.deps = b.deps; // the test's requests go to replica B (the same server without Redis)
    });
    afterAll(async () => {
      sockets.forEach((s) => s.close());
      if (replicas) {
        await a?.realtime.close();
        await a?.app.close();
      }
      await b?.stop();
    });

    async function socketOnA(token: string) {
      const socket = openSocket(urlA, { token });
      sockets.push(socket);
      await connected(socket);
      return socket;
    }

    it("SECURITY 48: a member's open socket joins on accepting, loses the prices on becoming Fulfilment, and hears nothing of the shop once removed", async () => {
      const db = t.database.prisma;
      const owner = await t.createUser({ role: "SELLER" });
      const ownerSession = await t.signIn(owner.email);
      const shop = await makeShop(db, owner.id);
      const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ priceCents: 1200, stock: 50 }] });
      const variant = product.variants[0]!;
      const setStock = (stock: number) =>
        ownerSession.caller.product.update({ id: product.id, variants: [{ id: variant.id, sku: variant.sku, title: variant.title, priceCents: variant.priceCents, stock }] });

      const member = await t.createUser({ name: "Pia" });
      const memberSession = await t.signIn(member.email);
      // Connected before joining: the accept moves the open socket into the shop's rooms.
      const memberSocket = await socketOnA(memberSession.token);
      const ownerSocket = await socketOnA(ownerSession.token);
      const heard = record(memberSocket);
      const { inviteUrl } = await ownerSession.caller.shop.team.invite({ email: member.email, role: "MANAGER" });
      const joined = nextEvent(memberSocket, "team.changed");
      await memberSession.caller.shop.team.accept({ token: new URL(inviteUrl).searchParams.get("token")! });
      expect(await joined).toMatchObject({ shopId: shop.id, role: "MANAGER" });

      const stock = nextEvent(memberSocket, "stock.changed");
      await setStock(40);
      expect(await stock).toMatchObject({ productId: product.id, stock: 40 });

      // Fulfilment: still the shop's order moves, no longer the new-order event with its totals.
      await ownerSession.caller.shop.team.setRole({ userId: member.id, role: "FULFILMENT" });
      const buyer = await t.createUser();
      const bea = (await t.signIn(buyer.email)).caller;
      await bea.cart.add({ variantId: variant.id, quantity: 1 });
      const placed = await bea.checkout.placeOrder({ idempotencyKey: `teams-sockets-${Date.now()}`, shippingAddress: TEST_ADDRESS });
      const ownerHearsNew = nextEvent(ownerSocket, "order.created");
      const memberHearsPaid = nextEvent(memberSocket, "order.updated");
      await bea.payment.confirmTest({ id: placed.orderId });
      await ownerHearsNew;
      expect(await memberHearsPaid).toMatchObject({ orderId: placed.orderId, status: "PAID" });
      await caughtUp(b.deps.sink, memberSocket);
      expect(heard.get("order.created") ?? []).toEqual([]);

      // Removed: the open socket stops hearing the shop at once, while the owner's still does.
      await ownerSession.caller.shop.team.remove({ userId: member.id });
      const before = (heard.get("stock.changed") ?? []).length;
      const ownerStock = nextEvent(ownerSocket, "stock.changed");
      await setStock(30);
      await ownerStock;
      await caughtUp(b.deps.sink, memberSocket);
      expect((heard.get("stock.changed") ?? []).length).toBe(before);
      expect(heard.get("team.changed")?.at(-1)).toMatchObject({ shopId: shop.id, role: null });

      // A new socket of the removed member is not put in the shop's rooms either.
      const fresh = await socketOnA(memberSession.token);
      const freshHeard = record(fresh);
      const ownerStock2 = nextEvent(ownerSocket, "stock.changed");
      await setStock(20);
      await ownerStock2;
      await caughtUp(b.deps.sink, fresh);
      expect(freshHeard.get("stock.changed") ?? []).toEqual([]);
    });
  });
}

scenario("SECURITY 48: rooms follow membership (one server)", false);
scenario("SECURITY 48: rooms follow membership across replicas through Redis", true);
