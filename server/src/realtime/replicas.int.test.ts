import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../config.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { freePort, hasRedisServer, PrivateRedis } from "../test/redis-server.ts";
import { caughtUp, connected, disconnected, nextEvent, openSocket, pause, record, type ClientSocket } from "../test/sockets.ts";
import { inTransaction } from "../lib/transaction.ts";
import { rooms } from "./publish.ts";

/**
 * Two server instances sharing one database and one Redis, as two replicas behind a load
 * balancer: what happens on one reaches the sockets of the other, and Redis going away costs
 * only the cross-replica delivery, until it returns.
 */
describe.skipIf(!hasRedisServer)("replicas through Redis (SECURITY 24)", () => {
  let t: TestApp;
  let redis: PrivateRedis;
  let a: MarketplaceServer;
  let b: MarketplaceServer;
  let urlA: string;
  let urlB: string;
  let config: Config;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    t = await createTestApp();
    config = loadConfig({ NODE_ENV: "test", PORT: "0", REDIS_URL: redis.url });
    a = await createServer({ ...t.deps, config });
    b = await createServer({ ...t.deps, config });
    urlA = await a.start();
    urlB = await b.start();
    t.deps = b.deps; // requests made by the test go to replica B (start() returned once subscribed)
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await a?.stop().catch(() => {});
    await b?.realtime.close();
    await b?.app.close();
    await redis?.stop();
  });

  async function socketOnA(role: "BUYER" | "ADMIN" = "BUYER") {
    const user = await t.createUser({ role });
    const session = await t.signIn(user.email);
    const socket = openSocket(urlA, { token: session.token });
    sockets.push(socket);
    await connected(socket);
    await caughtUp(b.deps.sink, socket); // what B publishes reaches it
    return { user, socket, ...session };
  }

  const publishOnB = (userId: string, orderId: string) =>
    inTransaction({ db: b.deps.database.prisma, deps: b.deps }, async (_tx, events) => {
      events.add("order.updated", [rooms.user(userId)], { orderId, sellerOrderId: "s", status: "PAID" });
    });

  it("an event committed on replica B reaches the buyer's socket on replica A", async () => {
    const buyer = await socketOnA();
    const got = nextEvent(buyer.socket, "order.updated");
    await publishOnB(buyer.user.id, "o-cross");
    expect((await got).orderId).toBe("o-cross");
  });

  it("a sign-up on B shows in the admin feed on A", async () => {
    const admin = await socketOnA("ADMIN");
    const got = nextEvent(admin.socket, "activity");
    await (await t.anon({ ip: "10.24.0.1" })).auth.register({ email: "cross@example.test", password: "a-fine-long-password", name: "Cross Replica" });
    expect((await got).summary).toBe("Cross Replica signed up");
  });

  it("a deployment with another REDIS_KEY_PREFIX on the same Redis hears nothing of this one's events", async () => {
    const staging = await createServer({ ...t.deps, config: loadConfig({ NODE_ENV: "test", PORT: "0", REDIS_URL: redis.url, REDIS_KEY_PREFIX: "staging:" }) });
    try {
      const stagingUrl = await staging.start();
      const admin = await t.createUser({ role: "ADMIN" });
      const { token } = await t.signIn(admin.email);
      const onStaging = openSocket(stagingUrl, { token });
      const onA = openSocket(urlA, { token });
      sockets.push(onStaging, onA);
      await Promise.all([connected(onStaging), connected(onA)]);
      const heardOnStaging = record(onStaging);
      const got = nextEvent(onA, "activity");
      await (await t.anon({ ip: "10.24.0.3" })).auth.register({ email: "prefix@example.test", password: "a-fine-long-password", name: "Prefix Check" });
      expect((await got).summary).toBe("Prefix Check signed up"); // A, same prefix as B, heard it
      // So Redis has passed B's message on to every subscriber it matched. Redis answers one
      // connection in order: once staging's subscriber has the reply to a PING sent now, it has
      // anything Redis sent it before; then a marker from staging itself reaches its socket after
      // anything staging passed on.
      expect(await staging.realtime.ready(5_000)).toBe(true);
      await caughtUp(staging.deps.sink, onStaging);
      expect(heardOnStaging.get("activity")).toBeUndefined();
    } finally {
      await staging.realtime.close();
      await staging.app.close();
    }
  });

  it("a ban issued on B disconnects the buyer's socket on A", async () => {
    const buyer = await socketOnA();
    const admin = await t.createUser({ role: "ADMIN" });
    const { caller } = await t.signIn(admin.email);
    const gone = disconnected(buyer.socket);
    await caller.admin.users.ban({ id: buyer.user.id });
    expect(await gone).toBe("io server disconnect");
  });

  it("with Redis down the API keeps serving and local events still flow; cross-replica delivery returns with Redis", async () => {
    const buyer = await socketOnA();
    const localOnB = openSocket(urlB, { token: buyer.token });
    sockets.push(localOnB);
    await connected(localOnB);

    await redis.stop();
    await pause(300);
    expect((await fetch(`${urlB}/readyz`)).status).toBe(200);
    await (await t.anon({ ip: "10.24.0.2" })).auth.register({ email: "during-outage@example.test", password: "a-fine-long-password", name: "Outage" });
    const local = nextEvent(localOnB, "order.updated");
    await publishOnB(buyer.user.id, "o-local");
    expect((await local).orderId).toBe("o-local");

    await redis.start();
    // Wait for both replicas' clients to reconnect and resubscribe, then deliver across again.
    const deadline = Date.now() + 15_000;
    let delivered = false;
    while (!delivered && Date.now() < deadline) {
      const attempt = nextEvent(buyer.socket, "order.updated", 500).then(() => true, () => false);
      await publishOnB(buyer.user.id, "o-back");
      delivered = await attempt;
    }
    expect(delivered).toBe(true);
  }, 40_000);

  it("a replica started while Redis is down serves at once, says it is not ready across replicas, and is once Redis returns", async () => {
    await redis.stop();
    const c = await createServer({ ...t.deps, config });
    try {
      const urlC = await c.start(); // gives up waiting for Redis after a few seconds
      expect((await fetch(`${urlC}/healthz`)).status).toBe(200);
      expect(await c.realtime.ready(200)).toBe(false);

      await redis.start();
      expect(await c.realtime.ready(15_000)).toBe(true);
      const user = await t.createUser();
      const session = await t.signIn(user.email);
      const socket = openSocket(urlC, { token: session.token });
      sockets.push(socket);
      await connected(socket);
      // B's publishing client reconnects on its own schedule; C listens already.
      const deadline = Date.now() + 15_000;
      let delivered = false;
      while (!delivered && Date.now() < deadline) {
        const attempt = nextEvent(socket, "order.updated", 500).then(() => true, () => false);
        await publishOnB(user.id, "o-to-c");
        delivered = await attempt;
      }
      expect(delivered).toBe(true);
    } finally {
      await c.realtime.close();
      await c.app.close();
    }
  }, 60_000);
});
