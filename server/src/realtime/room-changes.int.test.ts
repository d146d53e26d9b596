import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../lib/transaction.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { caughtUp, connected, nextEvent, openSocket, pause, record, type ClientSocket } from "../test/sockets.ts";
import { until } from "../test/until.ts";
import { SOCKET_LIMITS } from "./io.ts";
import { rooms } from "./publish.ts";

/**
 * Changes of who may hear what reach sockets that are already open: a role change moves the
 * user's sockets in or out of the admins' room, and a product that leaves the catalog loses its
 * watchers. Real sockets on a started server.
 */
let t: TestApp;
let server: MarketplaceServer;
let url: string;
let categoryId: string;
const sockets: ClientSocket[] = [];
let signUps = 0;

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0", SWEEP_INTERVAL_SECONDS: "0" } });
  server = await createServer(t.deps);
  url = await server.start();
  t.deps = server.deps;
  categoryId = (await makeCategory(t.database.prisma)).id;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server.stop();
});

function socketFor(token: string | null) {
  const s = openSocket(url, { token });
  sockets.push(s);
  return s;
}

async function signedIn(role: "BUYER" | "SELLER" | "ADMIN" = "BUYER") {
  const user = await t.createUser({ role });
  const { token, caller } = await t.signIn(user.email);
  const socket = socketFor(token);
  await connected(socket);
  return { user, token, caller, socket };
}

/** A sign-up: announced to the admins' room as an `activity` event; resolves to its summary. */
async function someoneSignsUp() {
  signUps += 1;
  const name = `Newcomer ${signUps}`;
  await (await t.anon({ ip: `10.34.0.${signUps}` })).auth.register({ email: `newcomer-${signUps}@example.test`, password: "a-fine-long-password", name });
  return `${name} signed up`;
}

/** Whether `socket` hears the line of a sign-up made now: it has, if at all, once it heard a later marker. */
async function hearsSignUp(socket: ClientSocket): Promise<boolean> {
  const lines: string[] = [];
  const listener = (e: { summary: string }) => lines.push(e.summary);
  socket.on("activity", listener);
  const summary = await someoneSignsUp();
  await caughtUp(server.deps.sink, socket);
  socket.off("activity", listener);
  return lines.includes(summary);
}

const watch = (socket: ClientSocket, productId: string) => new Promise((resolve) => socket.emit("product.watch", { productId }, resolve));

/** A seller with an active shop and one listed product, signed in with a socket (in the shop's room). */
async function sellerWithProduct(stock = 10) {
  const seller = await signedIn("SELLER");
  const shop = await makeShop(t.database.prisma, seller.user.id, { status: "ACTIVE" });
  // Reconnect: the shop's room is chosen at the handshake.
  seller.socket.close();
  const socket = socketFor(seller.token);
  await connected(socket);
  const product = await makeProduct(t.database.prisma, shop.id, categoryId, { variants: [{ priceCents: 700, stock }] });
  const variant = product.variants[0]!;
  const variantInput = (s: number) => ({ id: variant.id, sku: variant.sku, title: variant.title, priceCents: variant.priceCents, stock: s });
  return { ...seller, socket, shop, productId: product.id, variantId: variant.id, variantInput };
}

async function watcherOf(productId: string) {
  const watcher = socketFor(null);
  await connected(watcher);
  expect(await watch(watcher, productId)).toEqual({ ok: true });
  return watcher;
}

/** A stock change of the product as a service publishes it: to its watchers and its shop. */
function publishStock(shopId: string, productId: string, stock: number) {
  return inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
    events.add("stock.changed", [rooms.product(productId), rooms.shop(shopId)], { productId, variantId: "v", stock });
  });
}

describe("SECURITY 34: role changes take effect on open sockets at once", () => {
  it("a demoted admin's open sockets hear no admin event from the demotion on, not even its own line; other admins still do", async () => {
    const actor = await signedIn("ADMIN");
    const target = await signedIn("ADMIN");
    const secondTab = socketFor(target.token);
    await connected(secondTab);
    expect(await hearsSignUp(target.socket)).toBe(true); // before: the target hears the feed
    await caughtUp(server.deps.sink, secondTab); // that line has reached the second tab too, before recording starts

    const heard = [record(target.socket), record(secondTab)];
    const demotionLine = nextEvent(actor.socket, "activity");
    await actor.caller.admin.users.setRole({ id: target.user.id, role: "BUYER" });
    expect((await demotionLine).summary).toMatch(/made .* buyer \(was admin\)/);

    expect(await hearsSignUp(actor.socket)).toBe(true);
    await caughtUp(server.deps.sink, target.socket, secondTab);
    for (const got of heard) expect(got.get("activity")).toBeUndefined();

    // Only the admins' room was left: the user's own events still arrive.
    const own = nextEvent(target.socket, "order.updated");
    await inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
      events.add("order.updated", [rooms.user(target.user.id)], { orderId: "o-34", sellerOrderId: "s-34", status: "PAID" });
    });
    expect((await own).orderId).toBe("o-34");
  });

  it("a user promoted to admin hears the feed on the socket already open", async () => {
    const actor = await signedIn("ADMIN");
    const buyer = await signedIn("BUYER");
    expect(await hearsSignUp(buyer.socket)).toBe(false);
    await actor.caller.admin.users.setRole({ id: buyer.user.id, role: "ADMIN" });
    expect(await hearsSignUp(buyer.socket)).toBe(true);
  });

  it("a rolled-back role change moves no socket", async () => {
    const target = await signedIn("ADMIN");
    await expect(
      inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
        events.leaveRooms(rooms.user(target.user.id), [rooms.admins()]);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await hearsSignUp(target.socket)).toBe(true);
  });
});

describe("SECURITY 35: a product that stops being visible stops reaching its watchers", () => {
  it("made a draft: its watchers hear neither that update's stock change nor later ones; listed again, it can be watched again", async () => {
    const seller = await sellerWithProduct();
    const watcher = await watcherOf(seller.productId);
    const heard = record(watcher);

    const toShop = nextEvent(seller.socket, "stock.changed");
    await seller.caller.product.update({ id: seller.productId, status: "DRAFT", variants: [seller.variantInput(9)] });
    expect((await toShop).stock).toBe(9); // the event went out, to the shop only
    const again = nextEvent(seller.socket, "stock.changed");
    await seller.caller.product.update({ id: seller.productId, variants: [seller.variantInput(8)] });
    expect((await again).stock).toBe(8);
    // Both went out (the shop heard them), to every room they named: the watcher has them by now if at all.
    await caughtUp(server.deps.sink, watcher);
    expect(heard.get("stock.changed")).toBeUndefined();
    expect(await watch(watcher, seller.productId)).toEqual({ ok: false, error: "Product not found" });

    await seller.caller.product.update({ id: seller.productId, status: "ACTIVE" });
    expect(await watch(watcher, seller.productId)).toEqual({ ok: true });
    const back = nextEvent(watcher, "stock.changed");
    await seller.caller.product.update({ id: seller.productId, variants: [seller.variantInput(7)] });
    expect((await back).stock).toBe(7);
  });

  it("archived: a cancelled order's stock coming back is not heard by its former watchers", async () => {
    const seller = await sellerWithProduct(5);
    const buyer = await signedIn("BUYER");
    await buyer.caller.cart.add({ variantId: seller.variantId, quantity: 2 });
    const placed = await buyer.caller.checkout.placeOrder({
      idempotencyKey: `room-changes-${Date.now()}`,
      shippingAddress: { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" },
    });
    const watcher = await watcherOf(seller.productId);
    const heard = record(watcher);

    await seller.caller.product.archive({ id: seller.productId });
    const toShop = nextEvent(seller.socket, "stock.changed");
    await buyer.caller.order.cancel({ id: placed.orderId });
    expect((await toShop).stock).toBe(5);
    await caughtUp(server.deps.sink, watcher);
    expect(heard.get("stock.changed")).toBeUndefined();
    expect(await watch(watcher, seller.productId)).toEqual({ ok: false, error: "Product not found" });
  });

  it("its shop suspended: every product's watchers are dropped; reopened, the products can be watched again", async () => {
    const seller = await sellerWithProduct();
    const other = await makeProduct(t.database.prisma, seller.shop.id, categoryId);
    const watcher = await watcherOf(seller.productId);
    expect(await watch(watcher, other.id)).toEqual({ ok: true });
    const heard = record(watcher);
    const admin = await signedIn("ADMIN");

    await admin.caller.admin.shops.suspend({ id: seller.shop.id, reason: "Counterfeit goods reported" });
    const toShop = record(seller.socket);
    await publishStock(seller.shop.id, seller.productId, 4);
    await publishStock(seller.shop.id, other.id, 4);
    // Both went out (the shop heard them), to every room they named: the watcher has them by now if at all.
    await until(() => toShop.get("stock.changed")?.length === 2, "the shop to hear both stock changes");
    await caughtUp(server.deps.sink, watcher);
    expect(heard.get("stock.changed")).toBeUndefined();

    await admin.caller.admin.shops.approve({ id: seller.shop.id });
    expect(await watch(watcher, other.id)).toEqual({ ok: true });
    const back = nextEvent(watcher, "stock.changed");
    await publishStock(seller.shop.id, other.id, 3);
    expect((await back).stock).toBe(3);
  });

  it("dropped products no longer count towards a socket's cap of watched products", async () => {
    const owner = await t.createUser({ role: "SELLER" });
    const shop = await makeShop(t.database.prisma, owner.id, { status: "ACTIVE" });
    const watcher = socketFor(null);
    await connected(watcher);
    for (let i = 0; i < SOCKET_LIMITS.maxWatchedProducts; i++) {
      const p = await makeProduct(t.database.prisma, shop.id, categoryId);
      expect(await watch(watcher, p.id)).toEqual({ ok: true });
      await pause(1_000 / SOCKET_LIMITS.eventsPerSecond + 10); // within the socket's event rate
    }
    const { productId } = await sellerWithProduct();
    expect(await watch(watcher, productId)).toEqual({ ok: false, error: "Watching too many products" });

    const admin = await signedIn("ADMIN");
    await admin.caller.admin.shops.suspend({ id: shop.id, reason: "Closed for review" });
    expect(await watch(watcher, productId)).toEqual({ ok: true });
  }, 30_000);
});
