import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../modules/auth/password.ts";
import { createTestDatabase, type TestDatabase } from "../test/db.ts";
import { connected, disconnected, nextEvent, openSocket, type ClientSocket } from "../test/sockets.ts";

/**
 * Two real server processes on different ports sharing PostgreSQL and Redis, as `.ci/run`
 * provides them: what a request to process B causes reaches sockets held by process A.
 */
const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const serverDir = fileURLToPath(new URL("../..", import.meta.url));

describe.skipIf(!enabled)("two server processes through PostgreSQL and Redis", () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];
  const sockets: ClientSocket[] = [];
  let urlA = "";
  let urlB = "";
  // This pair's own keys and channel in the shared Redis: sign-ups counted by earlier runs (the
  // limit's window is an hour) or by other suites' servers are not this test's.
  const redisKeyPrefix = `test-${process.pid}-${Date.now()}:`;

  function startProcess(): Promise<string> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serverDir,
      env: { ...process.env, NODE_ENV: "test", PORT: "0", DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: redisKeyPrefix, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  }

  async function post(url: string, path: string, body: unknown, cookie?: string) {
    const res = await fetch(`${url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ json: body }),
    });
    return { res, cookie: /^(session=[^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const passwordHash = await hashPassword("two-process-password");
    await db.prisma.user.createMany({
      data: [
        { email: "admin@two.test", name: "Two Admin", role: "ADMIN", passwordHash },
        { email: "buyer@two.test", name: "Two Buyer", role: "BUYER", passwordHash },
      ],
    });
    [urlA, urlB] = await Promise.all([startProcess(), startProcess()]);
  }, 60_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(
      children
        .filter((c) => c.exitCode === null)
        .map((c) => {
          const exited = new Promise((r) => c.once("exit", r));
          c.kill("SIGTERM");
          return exited;
        }),
    );
    await db?.close();
  });

  it("a sign-up handled by B reaches the admin's socket on A, and a ban issued on B disconnects the buyer on A", async () => {
    const adminOnA = await post(urlA, "auth.login", { email: "admin@two.test", password: "two-process-password" });
    const buyerOnA = await post(urlA, "auth.login", { email: "buyer@two.test", password: "two-process-password" });
    const adminSocket = openSocket(urlA, { token: adminOnA.cookie!.split("=")[1] });
    const buyerSocket = openSocket(urlA, { token: buyerOnA.cookie!.split("=")[1] });
    sockets.push(adminSocket, buyerSocket);
    await Promise.all([connected(adminSocket), connected(buyerSocket)]);

    const feed = nextEvent(adminSocket, "activity");
    const signUp = await post(urlB, "auth.register", { email: "new@two.test", password: "a-fine-long-password", name: "Across Processes" });
    expect(signUp.res.status).toBe(200);
    expect((await feed).summary).toBe("Across Processes signed up");

    const adminOnB = await post(urlB, "auth.login", { email: "admin@two.test", password: "two-process-password" });
    const buyer = await db.prisma.user.findUniqueOrThrow({ where: { email: "buyer@two.test" } });
    const gone = disconnected(buyerSocket);
    const ban = await post(urlB, "admin.users.ban", { id: buyer.id }, adminOnB.cookie);
    expect(ban.res.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    expect(adminSocket.connected).toBe(true);
  });
});
