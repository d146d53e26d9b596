import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../lib/transaction.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { caughtUp, connected, disconnected, nextEvent, openSocket, record, type ClientSocket } from "../test/sockets.ts";
import { until } from "../test/until.ts";
import { STOCK_EVENT_WINDOW_MS } from "./io.ts";
import { rooms } from "./publish.ts";

let t: TestApp;
let server: MarketplaceServer;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0" } });
  server = await createServer(t.deps);
  url = await server.start();
  t.deps = server.deps;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server.stop();
});

function socketFor(token: string | null, origin?: string) {
  const s = openSocket(url, { token, origin });
  sockets.push(s);
  return s;
}

async function signedIn(role: "BUYER" | "SELLER" | "ADMIN" = "BUYER") {
  const user = await t.createUser({ role });
  const { token, caller } = await t.signIn(user.email);
  const socket = socketFor(token);
  await connected(socket); // in its rooms from here on, without waiting
  return { user, token, caller, socket };
}

/** An ACTIVE product of an ACTIVE shop: one anyone may watch. */
async function makeWatchableProduct() {
  const db = t.database.prisma;
  const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id, { status: "ACTIVE" });
  const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ priceCents: 500, stock: 3 }] });
  return { productId: product.id };
}

/** Publishes one event through a real transaction, as a service does. */
function publish(targetRooms: string[], orderId: string) {
  return inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
    events.add("order.updated", targetRooms, { orderId, sellerOrderId: `${orderId}-s`, status: "SHIPPED" });
  });
}

describe("SECURITY 20: handshakes", () => {
  it("with no session, a forged one or an expired one connect anonymously: in no private room, they get no private event", async () => {
    const victim = await signedIn();
    const forged = socketFor("forged-token-that-is-not-real");
    const none = socketFor(null);
    const expiredUser = await t.createUser();
    const { token: expiredToken } = await t.signIn(expiredUser.email);
    await t.database.prisma.session.updateMany({ where: { userId: expiredUser.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const expired = socketFor(expiredToken);
    // The same user signed in afresh: proof that what is sent to their room does reach a live session.
    const { token: liveToken } = await t.signIn(expiredUser.email);
    const live = socketFor(liveToken);
    await Promise.all([connected(forged), connected(none), connected(expired), connected(live)]);
    const got = [forged, none, expired].map(record);

    const toVictim = nextEvent(victim.socket, "order.updated");
    const toLive = nextEvent(live, "order.updated");
    await publish([rooms.user(victim.user.id), rooms.user(expiredUser.id)], "o-20");
    expect((await toVictim).orderId).toBe("o-20");
    expect((await toLive).orderId).toBe("o-20");
    await caughtUp(server.deps.sink, forged, none, expired);
    for (const g of got) expect(g.size).toBe(0);
    // Server side: each is in the room of its own id only (no user:, session: or shop: room).
    for (const s of [forged, none, expired]) {
      const [held] = await server.realtime.io.in(s.id!).fetchSockets();
      expect([...held!.rooms]).toEqual([s.id]);
    }
  });
});

describe("SECURITY 21: events reach exactly the right users", () => {
  it("buyer A's order update reaches A and never B; only admins get activity", async () => {
    const a = await signedIn();
    const b = await signedIn();
    const admin = await signedIn("ADMIN");
    const gotB = record(b.socket);
    const gotA = record(a.socket);
    const forA = nextEvent(a.socket, "order.updated");
    await publish([rooms.user(a.user.id)], "o-21");
    const event = await forA;
    expect(event).toMatchObject({ orderId: "o-21", status: "SHIPPED" });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event.at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // A real mutation: a sign-up is announced to admins only.
    const toAdmin = nextEvent(admin.socket, "activity");
    await (await t.anon({ ip: "10.21.0.1" })).auth.register({ email: "live-signup@example.test", password: "a-fine-long-password", name: "Live Signup" });
    expect((await toAdmin).summary).toBe("Live Signup signed up");
    await caughtUp(server.deps.sink, a.socket, b.socket);
    expect(gotB.size).toBe(0);
    expect(gotA.has("activity")).toBe(false);
  });

  it("a client naming a room gets nothing: there is no way to join user:, shop: or admins", async () => {
    const snoop = await signedIn();
    const victim = await signedIn();
    const got = record(snoop.socket);
    const untyped = snoop.socket as unknown as { emit(ev: string, ...a: unknown[]): void; emitWithAck(ev: string, ...a: unknown[]): Promise<unknown> };
    for (const room of [rooms.user(victim.user.id), rooms.admins(), "shop:anything"]) {
      untyped.emit("join", room);
      // Answered once handled: the "join" sent before it has been handled (ignored) too.
      expect(await untyped.emitWithAck("product.watch", { productId: room })).toMatchObject({ ok: false });
    }
    const toVictim = nextEvent(victim.socket, "order.updated");
    await publish([rooms.user(victim.user.id), rooms.admins()], "o-21b");
    expect((await toVictim).orderId).toBe("o-21b");
    await caughtUp(server.deps.sink, snoop.socket);
    expect(got.size).toBe(0);
  });

  it("a rolled-back transaction emits nothing", async () => {
    const a = await signedIn();
    const got = record(a.socket);
    await expect(
      inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (tx, events) => {
        events.add("order.updated", [rooms.user(a.user.id)], { orderId: "o-rollback", sellerOrderId: "s", status: "PAID" });
        await tx.category.create({ data: { name: "Doomed", slug: "doomed" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await caughtUp(server.deps.sink, a.socket);
    expect(got.size).toBe(0);
    expect(await t.database.prisma.category.findUnique({ where: { slug: "doomed" } })).toBeNull();
  });
});

describe("delivery order and timing", () => {
  it("a shop owner's socket is in its shop's room the moment it connects", async () => {
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(t.database.prisma, owner.id, { status: "ACTIVE" });
    const { token } = await t.signIn(owner.email);
    for (let i = 0; i < 5; i++) {
      const socket = socketFor(token);
      await connected(socket);
      const got = nextEvent(socket, "order.updated", 2_000);
      await publish([rooms.shop(shop.id)], `o-conn-${i}`);
      expect((await got).orderId).toBe(`o-conn-${i}`);
      socket.close();
    }
  });

  it("a person's event of a transaction is sent before its product-room broadcast", async () => {
    const a = await signedIn();
    const { productId } = await makeWatchableProduct();
    const ack = await new Promise((resolve) => a.socket.emit("product.watch", { productId }, resolve));
    expect(ack).toEqual({ ok: true });
    const order: string[] = [];
    a.socket.onAny((name: string) => order.push(name));
    const both = Promise.all([nextEvent(a.socket, "stock.changed"), nextEvent(a.socket, "order.updated")]);
    await inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
      // Added in the "wrong" order on purpose: the stock change first.
      events.add("stock.changed", [rooms.product(productId)], { productId, variantId: "v", stock: 3 });
      events.add("order.updated", [rooms.user(a.user.id)], { orderId: "o-first", sellerOrderId: "s", status: "PAID" });
    });
    await both;
    expect(order).toEqual(["order.updated", "stock.changed"]);
  });
});

describe("watching products", () => {
  it("is allowed for listed products only: a draft, a suspended shop's product or an unknown id is 'not found'", async () => {
    const db = t.database.prisma;
    const category = (await makeCategory(db)).id;
    const active = await makeShop(db, (await t.createUser({ role: "SELLER" })).id, { status: "ACTIVE" });
    const suspended = await makeShop(db, (await t.createUser({ role: "SELLER" })).id, { status: "SUSPENDED" });
    const listed = await makeProduct(db, active.id, category);
    const draft = await makeProduct(db, active.id, category, { status: "DRAFT" });
    const hidden = await makeProduct(db, suspended.id, category);
    const watcher = socketFor(null);
    await connected(watcher);
    const watch = (productId: string) => new Promise((resolve) => watcher.emit("product.watch", { productId }, resolve));
    expect(await watch(listed.id)).toEqual({ ok: true });
    for (const productId of [draft.id, hidden.id, "0198f1c2-0000-7000-8000-000000000000"]) {
      expect(await watch(productId)).toEqual({ ok: false, error: "Product not found" });
    }
    watcher.close();
  });
});

describe("a busy product's stock", () => {
  it("reaches its watchers as the newest stock within a window, not as one broadcast per sale", async () => {
    const { productId } = await makeWatchableProduct();
    const watcher = socketFor(null);
    await connected(watcher);
    expect(await new Promise((resolve) => watcher.emit("product.watch", { productId }, resolve))).toEqual({ ok: true });
    const got: number[] = [];
    watcher.on("stock.changed", (e) => got.push(e.stock));
    for (let stock = 30; stock >= 1; stock--) {
      await inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
        events.add("stock.changed", [rooms.product(productId)], { productId, variantId: "v", stock });
      });
    }
    // The newest (1) goes out last, when its window ends; nothing is sent after it.
    await until(() => got.at(-1) === 1, "the newest stock to arrive", STOCK_EVENT_WINDOW_MS * 50);
    expect(got[0]).toBe(30); // the first at once
    expect(got.at(-1)).toBe(1); // the newest at the end
    expect(got.length).toBeLessThan(30);
  });
});

describe("SECURITY 22: cross-site WebSocket hijacking", () => {
  it("refuses a foreign Origin carrying the session cookie at the handshake", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const evil = socketFor(token, "https://evil.example");
    await expect(connected(evil)).rejects.toThrow();
    const own = socketFor(token);
    await connected(own);
  });
});

describe("SECURITY 23: floods and malformed payloads", () => {
  it("a malformed product.watch is answered with an error and the process serves on", async () => {
    const s = socketFor(null);
    await connected(s);
    const answers = await Promise.all(
      [42, null, { productId: 7 }, { productId: "x", extra: true }, { productId: "no-such-product" }].map(
        (input) => new Promise((resolve) => (s as unknown as { emit(e: string, i: unknown, ack: (r: unknown) => void): void }).emit("product.watch", input, resolve)),
      ),
    );
    for (const a of answers) expect(a).toMatchObject({ ok: false });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("a socket that floods events is disconnected; others are not", async () => {
    const flooder = socketFor(null);
    const bystander = socketFor(null);
    await Promise.all([connected(flooder), connected(bystander)]);
    const gone = disconnected(flooder);
    for (let i = 0; i < 200; i++) flooder.emit("product.unwatch", { productId: `p${i}` });
    expect(await gone).toBe("io server disconnect");
    expect(bystander.connected).toBe(true);
  });

  it("an oversized packet closes only that socket", async () => {
    const big = socketFor(null);
    const bystander = socketFor(null);
    await Promise.all([connected(big), connected(bystander)]);
    const gone = disconnected(big);
    big.emit("product.watch", { productId: "x".repeat(64 * 1024) });
    await gone;
    await caughtUp(server.deps.sink, bystander); // still served
    expect(bystander.connected).toBe(true);
  });
});

describe("revoking a session disconnects its sockets", () => {
  it("logout, and a ban issued by an admin", async () => {
    const a = await signedIn();
    const goneA = disconnected(a.socket);
    await a.caller.auth.logout();
    expect(await goneA).toBe("io server disconnect");

    const b = await signedIn();
    const otherTab = socketFor(b.token);
    await connected(otherTab);
    const admin = await signedIn("ADMIN");
    const goneB = Promise.all([disconnected(b.socket), disconnected(otherTab)]);
    await admin.caller.admin.users.ban({ id: b.user.id });
    expect(await goneB).toEqual(["io server disconnect", "io server disconnect"]);
  });
});
