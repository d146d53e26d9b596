import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../../lib/transaction.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeCategory, makeProduct } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../../test/smtp-server.ts";
import { caughtUp, connected, nextEvent, openSocket, record, type ClientSocket } from "../../test/sockets.ts";
import { smtpTransport, type MailTransport } from "../mail/mail-transport.ts";
import { deliverDueMail } from "../mail/mail-worker.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { notify } from "./notify.ts";

/**
 * The messages of the marketplace's events: each change writes its emails (outbox) and in-app
 * notifications in its own transaction; the notifications are pushed live to the user's room after
 * the commit, and the emails reach a real SMTP server in this process once each.
 */
let t: TestApp;
let server: MarketplaceServer;
let url: string;
let smtp: TestSmtpServer;
let transport: MailTransport;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0", SWEEP_INTERVAL_SECONDS: "0", MAIL_POLL_SECONDS: "0", PUBLIC_URL: "https://shop.example" } });
  server = await createServer(t.deps);
  url = await server.start();
  t.deps = server.deps;
  smtp = await startTestSmtpServer();
  transport = smtpTransport(smtp.url, "Bazaar <no-reply@shop.example>");
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  transport.close();
  await smtp.close();
  await server.stop();
});

const db = () => t.database.prisma;
const deliver = () => deliverDueMail(db(), transport, { publicUrl: "https://shop.example", maxAttempts: 3, backoffMs: () => 0 });
let keyN = 0;
const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };

async function person(role: "BUYER" | "ADMIN" = "BUYER", name?: string) {
  const user = await t.createUser({ role, name });
  const { token, caller } = await t.signIn(user.email);
  const socket = openSocket(url, { token });
  sockets.push(socket);
  await connected(socket);
  return { user, caller, socket, heard: record(socket) };
}

const kinds = async (userId: string) => (await db().notification.findMany({ where: { userId }, orderBy: { id: "asc" }, select: { kind: true } })).map((n) => n.kind);

describe("SECURITY 42: the marketplace's messages, sent once after each commit", () => {
  it("a shop's and an order's life: every email once, every notification written and pushed to its user", async () => {
    await db().user.updateMany({ where: { role: "ADMIN" }, data: { role: "BUYER" } });
    const admin = await person("ADMIN", "Ada Admin");
    const seller = await person("BUYER", "Sam <Seller>");
    const buyer = await person("BUYER", "Bea");

    const shop = await seller.caller.shop.create({ name: "Tom & Jerry's", description: "" });
    expect(await kinds(admin.user.id)).toEqual(["shop.pending"]);
    await admin.caller.admin.shops.approve({ id: shop.id });
    const product = await makeProduct(db(), shop.id, (await makeCategory(db())).id, { variants: [{ priceCents: 1250, stock: 5 }] });

    await buyer.caller.cart.add({ variantId: product.variants[0]!.id, quantity: 2 });
    const placed = await buyer.caller.checkout.placeOrder({ idempotencyKey: `notif-${Date.now()}`, shippingAddress: address });
    expect(await db().mailOutbox.count({ where: { template: { in: ["order_confirmation", "new_order"] } } })).toBe(0);
    await caughtUp(server.deps.sink, seller.socket); // the approval's notification has arrived
    const sellerHears = nextEvent(seller.socket, "notification");
    await buyer.caller.payment.confirmTest({ id: placed.orderId });
    const live = await sellerHears;
    expect(live).toMatchObject({ kind: "order.new", link: "/seller/orders" });
    expect(live.text).toContain("New order from Bea: 2 items for $25.00");
    expect(await db().notification.findUniqueOrThrow({ where: { id: live.notificationId }, select: { userId: true } })).toEqual({ userId: seller.user.id });

    const [part] = (await seller.caller.sellerOrder.list({})).items;
    await seller.caller.sellerOrder.updateStatus({ id: part!.id, status: "PROCESSING" });
    await seller.caller.sellerOrder.updateStatus({ id: part!.id, status: "SHIPPED", trackingNumber: "TRK-123" });
    await seller.caller.sellerOrder.updateStatus({ id: part!.id, status: "DELIVERED" });
    const review = await buyer.caller.review.createProduct({ productId: product.id, rating: 5, body: "Lovely mugs, well packed." });
    await seller.caller.review.reply({ reviewId: review.id, body: "Thank you <3" });
    const reporter = await person();
    await reporter.caller.review.report({ id: review.id, reason: "Looks like an advert" });
    await admin.caller.admin.shops.suspend({ id: shop.id, reason: "Counterfeit goods" });

    expect(await kinds(admin.user.id)).toEqual(["shop.pending", "review.reported"]);
    expect(await kinds(seller.user.id)).toEqual(["shop.decided", "order.new", "review.new", "shop.decided"]);
    expect(await kinds(buyer.user.id)).toEqual(["order.paid", "order.status", "order.status", "order.status", "review.reply"]);
    // Pushed live, after each commit, to each user's own room only.
    await caughtUp(server.deps.sink, admin.socket, seller.socket, buyer.socket, reporter.socket);
    for (const p of [admin, seller, buyer]) {
      const pushed = (p.heard.get("notification") ?? []) as { notificationId: string }[];
      const stored = await db().notification.findMany({ where: { userId: p.user.id }, orderBy: { id: "asc" }, select: { id: true } });
      expect(pushed.map((n) => n.notificationId)).toEqual(stored.map((n) => n.id));
    }
    expect(reporter.heard.get("notification")).toBeUndefined();

    expect((await deliver()).sent).toBe(7);
    expect(await deliver()).toEqual({ sent: 0, retried: 0, dead: 0 });
    const to = (email: string) => smtp.received.filter((m) => m.to === email).map((m) => m.subject);
    expect(to(buyer.user.email)).toEqual([
      "Your order is confirmed ($25.00)",
      "Tom & Jerry's shipped your order",
      "Delivered: your order from Tom & Jerry's",
      "Tom & Jerry's replied to your review",
    ]);
    expect(to(seller.user.email)).toEqual(["Tom & Jerry's is open", "New order for Tom & Jerry's ($25.00)", "Tom & Jerry's was suspended"]);
    const byTemplate = (subject: string) => smtp.received.find((m) => m.subject === subject)!;
    expect(byTemplate("Tom & Jerry's shipped your order").text).toContain("Tracking number: TRK-123");
    expect(byTemplate("Delivered: your order from Tom & Jerry's").text).toContain(`https://shop.example/products/${product.id}#reviews`);
    expect(byTemplate("Tom & Jerry's was suspended").text).toContain("Reason: Counterfeit goods");
    expect(byTemplate("Tom & Jerry's is open").html).toContain("Sam &lt;Seller&gt;");
    expect(byTemplate("Tom & Jerry's replied to your review").html).toContain("Thank you &lt;3");
  });

  it("a shop cancelling its part tells the buyer in the app; the buyer cancelling tells nobody", async () => {
    const sellerUser = await t.createUser({ role: "SELLER" });
    const shop = await db().shop.create({ data: { ownerId: sellerUser.id, name: "Kiln Works", slug: `kiln-${Date.now()}`, status: "ACTIVE", members: { create: { userId: sellerUser.id, role: "OWNER" } } }, select: { id: true } });
    const product = await makeProduct(db(), shop.id, (await makeCategory(db())).id, { variants: [{ priceCents: 900, stock: 5 }] });
    const seller = (await t.signIn(sellerUser.email)).caller;
    const buyer = await person();
    const order = async () => {
      await buyer.caller.cart.add({ variantId: product.variants[0]!.id, quantity: 1 });
      const placed = await buyer.caller.checkout.placeOrder({ idempotencyKey: `cancel-${Date.now()}-${(keyN += 1)}`, shippingAddress: address });
      await buyer.caller.payment.confirmTest({ id: placed.orderId });
      return placed.orderId;
    };
    const first = await order();
    const part = await db().sellerOrder.findFirstOrThrow({ where: { orderId: first }, select: { id: true } });
    await seller.sellerOrder.cancel({ id: part.id });
    const second = await order();
    await buyer.caller.order.cancel({ id: second });
    const texts = (await db().notification.findMany({ where: { userId: buyer.user.id, kind: "order.status" }, select: { text: true, link: true } }));
    expect(texts).toEqual([{ text: "Kiln Works cancelled your order (by the seller): the payment is refunded", link: `/orders/${first}` }]);
  });

  it("a rolled-back change writes no notification, pushes none and queues no email", async () => {
    const { user, heard, socket } = await person();
    await expect(
      inTransaction({ db: db(), deps: t.deps }, async (tx, events) => {
        await notify(tx, events, user.id, { kind: "order.status", text: "Never happened" });
        await enqueueMail(tx, { userId: user.id, template: "order_shipped", data: { buyerName: "B", orderId: "o", shopName: "S", trackingNumber: "T" } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await caughtUp(server.deps.sink, socket);
    expect(heard.get("notification")).toBeUndefined();
    expect(await db().notification.count({ where: { userId: user.id } })).toBe(0);
    expect(await db().mailOutbox.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("notification procedures", () => {
  it("lists the caller's own notifications newest first by page, counts unread, marks one or all read", async () => {
    const me = await person();
    const other = await person();
    for (let i = 1; i <= 5; i++) {
      await inTransaction({ db: db(), deps: t.deps }, (tx, events) => notify(tx, events, me.user.id, { kind: "order.status", text: `Update ${i}`, link: "/orders" }));
    }
    await inTransaction({ db: db(), deps: t.deps }, (tx, events) => notify(tx, events, other.user.id, { kind: "order.status", text: "Not yours" }));
    expect(await me.caller.notification.unreadCount()).toEqual({ count: 5 });
    const first = await me.caller.notification.list({ limit: 3 });
    expect(first.items.map((n) => n.text)).toEqual(["Update 5", "Update 4", "Update 3"]);
    const second = await me.caller.notification.list({ limit: 3, cursor: first.nextCursor! });
    expect(second.items.map((n) => n.text)).toEqual(["Update 2", "Update 1"]);
    expect(second.nextCursor).toBeNull();

    expect(await me.caller.notification.markRead({ id: first.items[0]!.id })).toEqual({ count: 4 });
    expect(await me.caller.notification.markRead({ id: first.items[0]!.id })).toEqual({ count: 4 });
    const [theirs] = (await other.caller.notification.list({})).items;
    await expect(me.caller.notification.markRead({ id: theirs!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await me.caller.notification.list({ unreadOnly: true })).items).toHaveLength(4);
    await me.caller.notification.markAllRead();
    expect(await me.caller.notification.unreadCount()).toEqual({ count: 0 });
    expect(await other.caller.notification.unreadCount()).toEqual({ count: 1 });
    await expect((await t.anon()).notification.unreadCount()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("email preferences: a kind turned off queues no email but still notifies; unknown kinds are a field error", async () => {
    const me = await person();
    const { kinds: prefs, localMailbox } = await me.caller.mail.preferences();
    expect(localMailbox).toBe(true);
    expect(prefs.map((p) => p.kind)).toEqual(["order_confirmation", "new_order", "order_shipped", "order_delivered", "shop_status", "review_reply"]);
    expect(prefs.every((p) => p.enabled)).toBe(true);
    const after = await me.caller.mail.setPreference({ kind: "order_shipped", enabled: false });
    expect(after.kinds.find((p) => p.kind === "order_shipped")?.enabled).toBe(false);
    await expect(me.caller.mail.setPreference({ kind: "verify_email", enabled: false })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const queued = await inTransaction({ db: db(), deps: t.deps }, (tx) =>
      enqueueMail(tx, { userId: me.user.id, template: "order_shipped", data: { buyerName: "B", orderId: "o", shopName: "S", trackingNumber: "T" } }),
    );
    expect(queued).toBeNull();
    await me.caller.mail.setPreference({ kind: "order_shipped", enabled: true });
    expect((await me.caller.mail.preferences()).kinds.every((p) => p.enabled)).toBe(true);
  });

  it("the local mailbox shows the caller's own mail only; admins list dead mail and try it again", async () => {
    const me = await person();
    const other = await person();
    const data = { buyerName: "Bea", orderId: "o1", shopName: "Mugs & Co", trackingNumber: "TRK-9" };
    await inTransaction({ db: db(), deps: t.deps }, async (tx) => {
      await enqueueMail(tx, { userId: me.user.id, template: "order_shipped", data });
      await enqueueMail(tx, { userId: other.user.id, template: "order_shipped", data });
    });
    const box = await me.caller.mail.mailbox({});
    expect(box.items).toHaveLength(1);
    expect(box.items[0]).toMatchObject({ to: me.user.email, subject: "Mugs & Co shipped your order" });
    expect(box.items[0]!.text).toContain("https://shop.example/orders/o1");

    const dead = await db().mailOutbox.create({ data: { toAddress: "x@example.test", template: "order_shipped", data, status: "DEAD", attempts: 3, lastError: "550 mailbox unavailable" } });
    await expect(me.caller.mail.dead({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await person("ADMIN");
    const list = await admin.caller.mail.dead({});
    expect(list.items.map((m) => m.id)).toContain(dead.id);
    expect(list.counts.dead).toBeGreaterThanOrEqual(1);
    expect(await admin.caller.mail.retry({ id: dead.id })).toEqual({ id: dead.id, status: "PENDING" });
    await expect(admin.caller.mail.retry({ id: dead.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db().mailOutbox.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
  });
});
