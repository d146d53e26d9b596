import { execFileSync } from "node:child_process";
import { list, num, parseOptions, PG_ENV } from "../lib/args.ts";

/** The real-time benchmark's options (`pnpm --filter @marketplace/bench realtime --help`). */
export const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench realtime",
    about:
      "Commit-to-receipt latency of real-time events and server memory per socket, with N sockets on one server process or two behind Redis, " +
      "and the raw floor: plain `ws` writes of the same payloads to the same sockets.",
    env: {
      ...PG_ENV,
      BENCH_REDIS_URL: "Redis for the two-process mode (default redis://127.0.0.1:6379)",
      BENCH_DB: "the database the run creates and drops (default mk_bench_rt)",
      BENCH_VERBOSE: "log the progress of each connection batch",
    },
  },
  {
    sizes: list(["1000", "5000"], "connected sockets (N)"),
    modes: list(
      ["one", "two", "raw"],
      "one: one server process; two: two processes + Redis (the streams adapter the server uses); two-pubsub: the same with Socket.IO's pub/sub Redis adapter instead, for comparison; raw: the floor (plain ws server, same payloads)",
    ),
    repeats: num(3, "runs per configuration (fresh server processes and sockets each)"),
    events: num(100, "measured transactions per run, after --warmup unmeasured ones"),
    solo: num(50, "extra transactions per run carrying the user event only"),
    warmup: num(20, "unmeasured transactions per run first"),
    // At least the server's stock-event window (STOCK_EVENT_WINDOW_MS, 100 ms): a product's changes closer
    // together than that are held and merged by design, which is not what this measures.
    gap: num(100, "ms between transactions (they run one at a time)"),
    batch: num(200, "sockets connected at once"),
    watchers: num(0.8, "share of anonymous product watchers; the rest are signed-in buyers"),
    budget: num(450, "seconds: no run starts past this, or if it would likely end past the deadline"),
    deadline: num(570, "seconds: hard stop (servers killed, database dropped, the runs done reported, exit 1)"),
  },
);

export type Mode = "one" | "two" | "two-pubsub" | "raw";
/** The modes with two server processes behind Redis. */
export const twoProcesses = (m: Mode) => m === "two" || m === "two-pubsub";
export const sizes = opts.sizes.map(Number);
export const modes = opts.modes as Mode[];
for (const n of sizes) if (!Number.isInteger(n) || n < 10) throw new Error(`bad size ${n}`);
for (const m of modes) if (!["one", "two", "two-pubsub", "raw"].includes(m)) throw new Error(`bad mode ${m}`);
export const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
export const dbName = process.env.BENCH_DB ?? "mk_bench_rt";

/**
 * Each client socket and each server socket is a file descriptor, and the server processes
 * inherit this process's limit: refuse to start when it is too low for the largest N.
 */
export function checkFileLimit(): void {
  const limit = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  const need = 2 * Math.max(...sizes) + 1024;
  if (limit !== "unlimited" && Number(limit) < need) {
    throw new Error(`ulimit -n is ${limit}; ${need} file descriptors are needed for ${Math.max(...sizes)} sockets: raise it (ulimit -n ${need}) and run again`);
  }
}
