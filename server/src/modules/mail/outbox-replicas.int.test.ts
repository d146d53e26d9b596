import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, usingPostgres, type TestDatabase } from "../../test/db.ts";
import { startTestSmtpServer, type TestSmtpServer } from "../../test/smtp-server.ts";
import { until } from "../../test/until.ts";

/**
 * Two real server processes on one PostgreSQL database, each with its mail worker, and one SMTP
 * server: they share the outbox (FOR UPDATE SKIP LOCKED) and no message is sent twice. Each
 * process sends from its own MAIL_FROM, so the test sees that both did some of the work.
 */
const serverDir = fileURLToPath(new URL("../../..", import.meta.url));
const MESSAGES = 120;

describe.skipIf(!usingPostgres)("SECURITY 42: two server processes share the outbox", () => {
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  const children: ChildProcess[] = [];

  function startProcess(from: string): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serverDir,
      env: { ...process.env, NODE_ENV: "test", PORT: "0", DATABASE_URL: db.url, SMTP_URL: smtp.url, MAIL_FROM: from, MAIL_POLL_SECONDS: "0.05", LOG_LEVEL: "warn", SWEEP_INTERVAL_SECONDS: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (/listening on http/.test(out)) resolve();
      });
      child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startTestSmtpServer();
    // Every message is written before the processes start, so both find a full outbox at once.
    await db.prisma.mailOutbox.createMany({
      data: Array.from({ length: MESSAGES }, (_, i) => ({
        toAddress: `buyer${i}@two.test`,
        template: "order_shipped",
        data: { buyerName: `Buyer ${i}`, orderId: `order-${i}`, shopName: "Two Shops", trackingNumber: `TRK-${i}` },
      })),
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      children
        .filter((c) => c.exitCode === null)
        .map((c) => {
          const exited = new Promise((r) => c.once("exit", r));
          c.kill("SIGTERM");
          return exited;
        }),
    );
    await smtp?.close();
    await db?.close();
  });

  it("SECURITY 42: every message is sent exactly once, by one process or the other", async () => {
    await Promise.all([startProcess("Process A <a@two.test>"), startProcess("Process B <b@two.test>")]);
    await until(async () => (await db.prisma.mailOutbox.count({ where: { status: "SENT" } })) === MESSAGES, "every message sent", 60_000);
    // Nothing more arrives after the last row was marked sent.
    await until(() => smtp.received.length >= MESSAGES, "every message received", 10_000);
    const tracking = smtp.received.map((m) => /Tracking number: (TRK-\d+)/.exec(m.text)?.[1]);
    expect(new Set(tracking).size).toBe(MESSAGES);
    expect(smtp.received).toHaveLength(MESSAGES);
    const byProcess = (address: string) => smtp.received.filter((m) => m.parsed.from?.value[0]?.address === address).length;
    expect(byProcess("a@two.test") + byProcess("b@two.test")).toBe(MESSAGES);
    expect(byProcess("a@two.test")).toBeGreaterThan(0);
    expect(byProcess("b@two.test")).toBeGreaterThan(0);
    expect(await db.prisma.mailOutbox.aggregate({ _max: { attempts: true } })).toEqual({ _max: { attempts: 1 } });
  });
});
