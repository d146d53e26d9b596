import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { startMailSink } from "./mailbox.ts";

/**
 * Starts the real, built app the way a user does (`node --import tsx src/main.ts`, serving
 * client/dist) on a free port with a fresh database full of demo data: the embedded PGlite in a
 * temporary DATA_DIR, or, when DATABASE_URL is set, a new PostgreSQL database seeded with
 * `pnpm db:seed`. Browser journeys then drive it in Chromium.
 */
const serverDir = fileURLToPath(new URL("../../server", import.meta.url));
let child: ChildProcess | undefined;
let dataDir: string | undefined;
let database: string | undefined;
let mailDir: string | undefined;
let mailSink: { close(): Promise<void> } | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: serverDir, env, stdio: "inherit" });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

export async function setup(project: TestProject) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000", SOCKET_CONNECTIONS_PER_IP: "1000", SOCKET_REQUESTS_PER_MINUTE: "100000",
    // Payouts: no hold after delivery and a round every second, so a journey sees its transfer made.
    PAYOUT_HOLD_DAYS: "0", PAYOUT_INTERVAL_SECONDS: "1" };
  // Its own keys in a shared Redis: the hourly sign-up limit then counts this run's sign-ups only.
  env.REDIS_KEY_PREFIX = `mk-e2e-${randomBytes(4).toString("hex")}:`;
  if (process.env.DATABASE_URL) {
    database = `mk_e2e_${randomBytes(4).toString("hex")}`;
    await adminQuery(`CREATE DATABASE "${database}"`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    await run(process.execPath, ["--import", "tsx", "src/db/cli/seed.ts"], env);
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), "mk-e2e-"));
    env.DATA_DIR = dataDir;
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  // The app sends real mail, to an SMTP server of this run whose messages the journeys read.
  mailDir = mkdtempSync(path.join(tmpdir(), "mk-e2e-mail-"));
  const sink = await startMailSink(mailDir);
  mailSink = sink;
  Object.assign(env, { SMTP_URL: sink.url, MAIL_FROM: "Bazaar <no-reply@bazaar.test>", PUBLIC_URL: baseUrl, MAIL_POLL_SECONDS: "0.5" });
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: serverDir, env, stdio: ["ignore", "inherit", "inherit"] });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not become ready in 90 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  project.provide("baseUrl", baseUrl);
  project.provide("mailDir", mailDir);
}

export async function teardown() {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await mailSink?.close();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  if (database) await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** Where the run's SMTP server keeps the mails the app sent (mailbox.ts). */
    mailDir: string;
  }
}
