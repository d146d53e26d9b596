import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usingPostgres } from "../../test/db.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../../test/smtp-server.ts";
import { inTransaction } from "../../lib/transaction.ts";
import { smtpTransport, type MailTransport } from "./mail-transport.ts";
import { deliverDueMail, type DeliveryRound, type MailWorkerOptions, startMailWorker } from "./mail-worker.ts";
import { until } from "../../test/until.ts";
import { enqueueMail } from "./outbox.ts";

/**
 * The outbox against a real SMTP server in this process (smtp-server), its messages parsed with
 * mailparser: a message is sent once, after the commit of the change it tells about, and never
 * for a change that was rolled back; refusals are retried with backoff until dead.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let transport: MailTransport;
const opts: MailWorkerOptions = { publicUrl: "https://shop.example", maxAttempts: 3, backoffMs: () => 0 };

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startTestSmtpServer();
  transport = smtpTransport(smtp.url, "Bazaar <no-reply@shop.example>");
});
afterAll(async () => {
  transport.close();
  await smtp.close();
  await t.close();
});
beforeEach(async () => {
  await t.database.prisma.mailOutbox.deleteMany();
  smtp.received.length = 0;
});

const db = () => t.database.prisma;
const shipped = (trackingNumber: string) => ({ buyerName: "Bea <b>Buyer</b>", orderId: "order-1", shopName: "Tom & Jerry's", trackingNumber });

describe("SECURITY 42: outgoing email goes through a transactional outbox", () => {
  it("sends a committed message once, after the commit; a rolled-back change sends nothing", async () => {
    const buyer = await t.createUser({ name: "Bea" });
    await inTransaction({ db: db(), deps: t.deps }, async (tx) => {
      await enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("TRACK-1") });
      // Before the commit no worker can see the row: nothing is sent for a change not yet made.
      // (PGlite's one connection would make the worker wait for this very transaction.)
      if (usingPostgres) expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 0, dead: 0 });
    });
    await expect(
      inTransaction({ db: db(), deps: t.deps }, async (tx) => {
        await enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("TRACK-ROLLED-BACK") });
        throw new Error("the change fails after the mail was queued");
      }),
    ).rejects.toThrow(/change fails/);

    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toBe(buyer.email);
    expect(mail!.subject).toBe("Tom & Jerry's shipped your order");
    expect(mail!.text).toContain("Tracking number: TRACK-1");
    expect(mail!.text).toContain("https://shop.example/orders/order-1");
    expect(JSON.stringify(smtp.received)).not.toContain("TRACK-ROLLED-BACK");
    // Names are escaped in the HTML part.
    expect(mail!.html).toContain("Bea &lt;b&gt;Buyer&lt;/b&gt;");
    expect(mail!.html).toContain("Tom &amp; Jerry&#39;s");
    expect(mail!.html).not.toContain("<b>Buyer</b>");
    const row = await db().mailOutbox.findFirstOrThrow();
    expect(row).toMatchObject({ status: "SENT", attempts: 1, data: {} });
    expect(mail!.messageId).toBe(`<${row.id}@shop.example>`);
  });

  it("delivers on the third try after the server refused two, nothing twice", async () => {
    const buyer = await t.createUser();
    await inTransaction({ db: db(), deps: t.deps }, (tx) => enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("T-3") }));
    smtp.refuseNext(2);
    const triesBefore = smtp.tries;
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 1, dead: 0 });
    const afterFirst = await db().mailOutbox.findFirstOrThrow();
    expect(afterFirst).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(afterFirst.lastError).toMatch(/451/);
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(smtp.tries - triesBefore).toBe(3);
    expect(smtp.received.map((m) => m.text).filter((x) => x.includes("T-3"))).toHaveLength(1);
    expect(await db().mailOutbox.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 3, lastError: null });
  });

  it("backs off between tries and marks a message dead after MAIL_MAX_ATTEMPTS", async () => {
    const buyer = await t.createUser();
    await inTransaction({ db: db(), deps: t.deps }, (tx) => enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("T-DEAD") }));
    smtp.refuseNext(100);
    const slow = { ...opts, backoffMs: () => 60_000 };
    expect(await deliverDueMail(db(), transport, slow)).toEqual({ sent: 0, retried: 1, dead: 0 });
    // Not due again before its backoff ends.
    expect(await deliverDueMail(db(), transport, slow)).toEqual({ sent: 0, retried: 0, dead: 0 });
    await db().mailOutbox.updateMany({ data: { nextAttemptAt: new Date() } });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(await deliverDueMail(db(), transport, opts)).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(await db().mailOutbox.findFirstOrThrow()).toMatchObject({ status: "DEAD", attempts: 3 });
    smtp.refuseNext(0);
    expect(smtp.received).toHaveLength(0);
  });

  it.skipIf(!usingPostgres)("SECURITY 42: workers claiming at the same moment on separate connections never take one message twice", async () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ toAddress: `race${i}@example.test`, template: "order_shipped", data: shipped(`RACE-${i}`) }));
    await db().mailOutbox.createMany({ data: rows });
    // Six workers at once, claiming three at a time: their claims overlap all the time.
    const worker = async () => {
      let round;
      do round = await deliverDueMail(db(), transport, { ...opts, batchSize: 3 });
      while (round.sent + round.retried + round.dead > 0);
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const tracking = smtp.received.map((m) => /Tracking number: (RACE-\d+)/.exec(m.text)?.[1]);
    expect(tracking).toHaveLength(150);
    expect(new Set(tracking).size).toBe(150);
    expect(await db().mailOutbox.count({ where: { status: "SENT", attempts: 1 } })).toBe(150);
  });

  it("the worker each process starts sends due mail by itself and reports its rounds; stop() waits for the round in flight", async () => {
    const buyer = await t.createUser();
    const rounds: DeliveryRound[] = [];
    const errors: unknown[] = [];
    const worker = startMailWorker(db(), transport, { ...opts, intervalSeconds: 0.02, onRound: (r) => rounds.push(r) }, (err) => errors.push(err));
    try {
      await inTransaction({ db: db(), deps: t.deps }, (tx) => enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("T-WORKER") }));
      await until(() => smtp.received.some((m) => m.text.includes("T-WORKER")), "the worker's delivery");
    } finally {
      await worker.stop();
    }
    const roundsAtStop = rounds.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(rounds.length).toBe(roundsAtStop);
    expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(errors).toEqual([]);
  });

  it("queues nothing for a kind of message the user turned off; security messages have no such choice", async () => {
    const buyer = await t.createUser();
    await db().mailOptOut.create({ data: { userId: buyer.id, kind: "order_shipped" } });
    const id = await inTransaction({ db: db(), deps: t.deps }, (tx) => enqueueMail(tx, { userId: buyer.id, template: "order_shipped", data: shipped("T-OFF") }));
    expect(id).toBeNull();
    expect(await db().mailOutbox.count()).toBe(0);
  });
});
