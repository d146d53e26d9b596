import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, usingPostgres } from "./test/db.ts";
import { freePort } from "./test/redis-server.ts";

/**
 * The process as an operator runs it: `node --import tsx src/main.ts` on an embedded DATA_DIR.
 * Checks the contract's start, second-process and SIGTERM behaviour.
 */
const serverDir = fileURLToPath(new URL("..", import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), "mk-main-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir, PORT: "0", SEED_DEMO: "false", DATABASE_URL: "", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) return resolve(m[1]!);
      if (child.exitCode !== null) return reject(new Error(output));
      setTimeout(check, 100);
    };
    check();
  });
  // A process expected to fail never listens: that rejection is not an error of the test run.
  listening.catch(() => {});
  return { child, exited, listening, output: () => output };
}

describe("the server process", () => {
  let first: { child: ChildProcess; exited: Promise<number | null>; listening: Promise<string> };

  it("starts on an empty DATA_DIR, migrates it and serves /healthz and /readyz", async () => {
    first = start();
    const url = await first.listening;
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it("refuses a second process on the same DATA_DIR with a clear message and exit 1", async () => {
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/DATA_DIR .* is in use by another server process/);
  });

  it("stops on SIGTERM with exit 0, releasing DATA_DIR for the next start", async () => {
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const again = start();
    const url = await again.listening;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
  });

  it("refuses to start with a bad variable, naming it", async () => {
    const bad = start({ PORT: "not-a-port" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/PORT/);
  });
});

describe("SECURITY 36: the server process and the test payment provider in production", () => {
  it("refuses to start with NODE_ENV=production and PAYMENTS unset, in one line naming PAYMENTS", async () => {
    const p = start({ NODE_ENV: "production", PAYMENTS: "" });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/PAYMENTS: required when NODE_ENV=production/);
    expect(p.output()).not.toMatch(/\n\s+at /); // no stack
  });

  it("starts with PAYMENTS=test set explicitly, saying so in one warning line", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mk-main-payments-"));
    try {
      const p = start({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off", DATA_DIR: dir, LOG_LEVEL: "warn" });
      await p.listening;
      expect(p.output().match(/WARNING: PAYMENTS=test in production/g)).toHaveLength(1);
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the server process and a PostgreSQL that is not up", () => {
  it("gives up after DATABASE_WAIT_SECONDS with one line naming the server, and exit 1", async () => {
    const port = await freePort();
    const p = start({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/shop`, DATABASE_WAIT_SECONDS: "1" });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain(`waiting for PostgreSQL at 127.0.0.1:${port}/shop (ECONNREFUSED)`);
    expect(p.output()).toContain(`PostgreSQL at 127.0.0.1:${port}/shop is not reachable (ECONNREFUSED); gave up after 1 s`);
    expect(p.output()).not.toMatch(/\n\s+at /); // no stack
  });

  it.skipIf(!usingPostgres)("waits for a PostgreSQL that comes up after it, then migrates and serves", async () => {
    const db = await createTestDatabase();
    const real = new URL(db.url!);
    const port = await freePort();
    const url = new URL(db.url!);
    url.port = String(port);
    const p = start({ DATABASE_URL: url.toString(), DATABASE_WAIT_SECONDS: "60" });
    // PostgreSQL "starts" once the process is waiting: a port forwarder to the real server opens.
    while (!p.output().includes("waiting for PostgreSQL")) {
      if (p.child.exitCode !== null) throw new Error(p.output());
      await new Promise((r) => setTimeout(r, 50));
    }
    const forwarder = net.createServer((client) => {
      const upstream = net.connect(Number(real.port || 5432), real.hostname);
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((r) => forwarder.listen(port, "127.0.0.1", r));
    try {
      const served = await p.listening;
      expect((await fetch(`${served}/readyz`)).status).toBe(200);
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
    } finally {
      forwarder.close();
      await db.close();
    }
  }, 60_000);
});
