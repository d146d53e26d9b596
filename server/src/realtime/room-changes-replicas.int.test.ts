import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { caughtUp, connected, nextEvent, openSocket, record, type ClientSocket } from "../test/sockets.ts";

/**
 * Room changes on two replicas sharing one database and the Redis of REDIS_URL (under a prefix of
 * their own): a change committed through replica B moves the sockets held by replica A, and B's
 * own sockets before the events of the same transaction go out.
 */
const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl)("room changes across replicas through Redis", () => {
  let t: TestApp;
  let a: MarketplaceServer;
  let b: MarketplaceServer;
  let urlA: string;
  let urlB: string;
  const sockets: ClientSocket[] = [];
  let signUps = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const config = loadConfig({
      NODE_ENV: "test",
      PORT: "0",
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `test-rooms-${process.pid}-${Date.now()}:`,
      SWEEP_INTERVAL_SECONDS: "0",
    });
    a = await createServer({ ...t.deps, config });
    b = await createServer({ ...t.deps, config });
    urlA = await a.start();
    urlB = await b.start();
    t.deps = b.deps; // the test's requests go to replica B
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await a?.realtime.close();
    await a?.app.close();
    await b?.stop();
  });

  async function socketOn(url: string, token: string | null) {
    const socket = openSocket(url, { token });
    sockets.push(socket);
    await connected(socket);
    return socket;
  }

  async function signedIn(role: "BUYER" | "SELLER" | "ADMIN") {
    const user = await t.createUser({ role });
    const session = await t.signIn(user.email);
    return { user, ...session };
  }

  /**
   * Whether `socket` hears the line of a sign-up handled by B: it has, if at all, once it heard a
   * marker B sent after it (through Redis, in order, to a socket on A).
   */
  async function hearsSignUp(socket: ClientSocket): Promise<boolean> {
    signUps += 1;
    const name = `Replica Newcomer ${signUps}`;
    const lines: string[] = [];
    const listener = (e: { summary: string }) => lines.push(e.summary);
    socket.on("activity", listener);
    await (await t.anon({ ip: `10.35.0.${signUps}` })).auth.register({ email: `replica-newcomer-${signUps}@example.test`, password: "a-fine-long-password", name });
    await caughtUp(b.deps.sink, socket);
    socket.off("activity", listener);
    return lines.includes(`${name} signed up`);
  }

  it("SECURITY 34: an admin demoted through B hears no admin event on A, nor on B (not even the demotion's line); the other admin does", async () => {
    const actor = await signedIn("ADMIN");
    const target = await signedIn("ADMIN");
    const actorOnA = await socketOn(urlA, actor.token);
    const targetOnA = await socketOn(urlA, target.token);
    const targetOnB = await socketOn(urlB, target.token);
    expect(await hearsSignUp(targetOnA)).toBe(true);
    await caughtUp(b.deps.sink, targetOnB); // that line has reached the other tab too, before recording starts
    const heard = [record(targetOnA), record(targetOnB)];

    const line = nextEvent(actorOnA, "activity");
    await actor.caller.admin.users.setRole({ id: target.user.id, role: "BUYER" });
    expect((await line).summary).toMatch(/buyer \(was admin\)/);
    expect(await hearsSignUp(actorOnA)).toBe(true);
    await caughtUp(b.deps.sink, targetOnA, targetOnB);
    for (const got of heard) expect(got.get("activity")).toBeUndefined();

    await actor.caller.admin.users.setRole({ id: target.user.id, role: "ADMIN" });
    expect(await hearsSignUp(targetOnA)).toBe(true);
  });

  it("SECURITY 35: a product made a draft through B drops its watchers on A", async () => {
    const db = t.database.prisma;
    const seller = await signedIn("SELLER");
    const shop = await makeShop(db, seller.user.id, { status: "ACTIVE" });
    const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ stock: 4 }] });
    const v = product.variants[0]!;
    const sellerOnA = await socketOn(urlA, seller.token);
    const watcherOnA = await socketOn(urlA, null);
    const watcherOnB = await socketOn(urlB, null);
    for (const w of [watcherOnA, watcherOnB]) {
      expect(await new Promise((r) => w.emit("product.watch", { productId: product.id }, r))).toEqual({ ok: true });
    }
    const heard = [record(watcherOnA), record(watcherOnB)];

    const toShop = nextEvent(sellerOnA, "stock.changed");
    await seller.caller.product.update({
      id: product.id,
      status: "DRAFT",
      variants: [{ id: v.id, sku: v.sku, title: v.title, priceCents: v.priceCents, stock: 3 }],
    });
    expect((await toShop).stock).toBe(3);
    // It went out from B (the shop's socket on A heard it) to every room it named: B's marker comes after it.
    await caughtUp(b.deps.sink, watcherOnA, watcherOnB);
    for (const got of heard) expect(got.get("stock.changed")).toBeUndefined();
  });
});
