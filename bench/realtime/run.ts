/**
 * Real-time benchmark (issue "Performance (a benchmark)").
 *
 * This process holds the client sockets; the server runs in one or two child processes
 * (server-process.ts) so that its memory can be measured alone. For each size N and each mode
 * ("one": one process, in-memory adapter; "two": two processes with the Redis adapter, sockets
 * split evenly, events published on the first), it:
 *   1. connects N sockets in batches (80% anonymous watchers of one product, 20% signed-in buyers),
 *   2. samples the servers' memory (after a full GC) before and after, divided by N,
 *   3. runs E real transactions one at a time: `tx.variant.update` + `stock.changed` to the
 *      product room + `order.updated` to a random buyer's user room, and times each event from
 *      just after the commit (server clock, translated to ours) to its receipt by each socket.
 *
 * Usage: node --import tsx realtime/run.ts [--sizes=1000,5000] [--modes=one,two] [--repeats=3]
 *        [--events=100] [--solo=50] [--warmup=20] [--gap=100] [--batch=200] [--watchers=0.8] [--budget=450] [--deadline=570]
 * Env: BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL
 *      (redis://127.0.0.1:6379), BENCH_DB (mk_bench_rt), BENCH_SERVER_NODE_ARGS (extra node flags
 *      for the server processes, e.g. "--cpu-prof --cpu-prof-dir=results/prof").
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@marketplace/shared";
import { dropDatabase } from "../lib/databases.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { clock, type FromServer, type ServerStats, type ToServer } from "./protocol.ts";
import { fmt as ms, median, percentile, sortedCopy } from "../lib/stats.ts";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Mode = "one" | "two";

// ---------------------------------------------------------------------------------------------
// Options

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const opts = {
  sizes: arg("sizes", "1000,5000").split(",").map(Number),
  modes: arg("modes", "one,two").split(",") as Mode[],
  repeats: Number(arg("repeats", "3")),
  events: Number(arg("events", "100")),
  solo: Number(arg("solo", "50")),
  warmup: Number(arg("warmup", "20")),
  // At least the server's stock-event window (STOCK_EVENT_WINDOW_MS, 100 ms): a product's changes closer
  // together than that are held and merged by design, which is not what this measures.
  gapMs: Number(arg("gap", "100")),
  batch: Number(arg("batch", "200")),
  watcherShare: Number(arg("watchers", "0.8")),
  /** No new run starts after this many seconds; the table covers the runs done. */
  budgetS: Number(arg("budget", "450")),
  /** Hard stop: children killed, database dropped, exit 1. */
  deadlineS: Number(arg("deadline", "570")),
  pgUrl: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  dbName: process.env.BENCH_DB ?? "mk_bench_rt",
};
for (const n of opts.sizes) if (!Number.isInteger(n) || n < 10) throw new Error(`bad size ${n}`);
for (const m of opts.modes) if (m !== "one" && m !== "two") throw new Error(`bad mode ${m}`);

const EVENT_TIMEOUT_MS = 5_000;
const benchDir = fileURLToPath(new URL("..", import.meta.url));
const serverScript = fileURLToPath(new URL("./server-process.ts", import.meta.url));
const log = (msg: string) => console.log(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Server child processes

const children = new Set<ChildProcess>();

class ServerHandle {
  url = "";
  cookieName = "session";
  /** server clock − our clock, ms (estimated from the fastest of several IPC round trips). */
  offset = 0;
  clockRtt = 0;
  private readonly replies = new Map<string, ((msg: FromServer) => void)[]>();
  private readonly published = new Map<number, (msg: Extract<FromServer, { type: "published" }>) => void>();

  private constructor(readonly child: ChildProcess, readonly name: string) {}

  static start(name: string, env: NodeJS.ProcessEnv): Promise<ServerHandle> {
    const child = fork(serverScript, [], {
      cwd: benchDir,
      execArgv: ["--import", "tsx", "--expose-gc", ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)],
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    const handle = new ServerHandle(child, name);
    child.on("message", (msg: FromServer) => handle.onMessage(msg));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready within 60 s`)), 60_000);
      child.once("exit", (code) => reject(new Error(`${name}: exited with ${code} before it was ready`)));
      handle.expect("ready").then((msg) => {
        clearTimeout(timer);
        if (msg.type !== "ready") return;
        handle.url = msg.url;
        handle.cookieName = msg.cookieName;
        resolve(handle);
      }, reject);
    });
  }

  private onMessage(msg: FromServer) {
    if (msg.type === "published") {
      this.published.get(msg.seq)?.(msg);
      this.published.delete(msg.seq);
      return;
    }
    if (msg.type === "error") {
      console.error(`[bench] ${this.name}: ${msg.message}`);
      return;
    }
    this.replies.get(msg.type)?.shift()?.(msg);
  }

  private expect(type: FromServer["type"]): Promise<FromServer> {
    return new Promise((resolve) => {
      const queue = this.replies.get(type) ?? [];
      queue.push(resolve);
      this.replies.set(type, queue);
    });
  }

  private send(msg: ToServer) {
    this.child.send(msg);
  }

  async calibrateClock(samples = 40) {
    let best = Infinity;
    for (let i = 0; i < samples; i++) {
      const sentAt = clock();
      const reply = this.expect("clock");
      this.send({ type: "clock", sentAt });
      const msg = await reply;
      const receivedAt = clock();
      if (msg.type !== "clock") continue;
      const rtt = receivedAt - sentAt;
      if (rtt < best) {
        best = rtt;
        this.offset = msg.serverNow - (sentAt + receivedAt) / 2;
      }
    }
    this.clockRtt = best;
  }

  async stats(gc: boolean): Promise<ServerStats> {
    const reply = this.expect("stats");
    this.send({ type: "stats", gc });
    const msg = await reply;
    if (msg.type !== "stats") throw new Error("unexpected reply");
    return msg.stats;
  }

  publish(seq: number, fixture: Fixture, buyerId: string | null, productEvent: boolean) {
    return new Promise<Extract<FromServer, { type: "published" }>>((resolve) => {
      this.published.set(seq, resolve);
      this.send({ type: "publish", seq, productId: fixture.productId, variantId: fixture.variantId, buyerId, productEvent });
    });
  }

  /** Server time → our time. */
  local(serverTime: number) {
    return serverTime - this.offset;
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.send({ type: "stop" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Client sockets

function openClient(url: string, cookie: string | null): ClientSocket {
  return io(url, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { origin: url, ...(cookie ? { cookie } : {}) },
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
  });
}

function whenConnected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
}

interface Receipts {
  seq: number;
  orderId: string;
  /** Index (among the buyer sockets) of the one whose user the event targets. */
  buyerIndex: number;
  watcherAt: Float64Array;
  watchersGot: number;
  /** Whether the current event goes to the watchers too. */
  productEvent: boolean;
  buyerAt: number;
  strays: number;
  duplicates: number;
  done: (() => void) | null;
}

interface Population {
  sockets: ClientSocket[];
  watchers: ClientSocket[];
  buyers: ClientSocket[];
  /** Which server each watcher / buyer is connected to. */
  watcherServer: Uint8Array;
  buyerServer: Uint8Array;
  buyerUserIds: string[];
}

/** Connects `count` sockets (round-robin over the servers) in batches; watchers watch the product. */
async function connectPopulation(
  servers: ServerHandle[],
  fixture: Fixture,
  count: number,
  receipts: Receipts,
  /** Called (and awaited) each time about a tenth of the sockets more are connected. */
  onProgress?: (connected: number) => Promise<void>,
): Promise<Population> {
  const watcherTotal = Math.round(count * opts.watcherShare);
  const buyerTotal = count - watcherTotal;
  if (buyerTotal > fixture.buyers.length) throw new Error("not enough buyer sessions");
  const pop: Population = {
    sockets: [],
    watchers: [],
    buyers: [],
    watcherServer: new Uint8Array(watcherTotal),
    buyerServer: new Uint8Array(buyerTotal),
    buyerUserIds: [],
  };
  // Spread the buyers evenly, so that every batch and every server gets the same mix.
  const connectStarted = performance.now();
  const isBuyer = (i: number) => Math.floor(((i + 1) * buyerTotal) / count) > Math.floor((i * buyerTotal) / count);
  for (let start = 0; start < count; start += opts.batch) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + opts.batch); i++) {
      const serverIndex = i % servers.length;
      const server = servers[serverIndex]!;
      if (!isBuyer(i)) {
        const wi = pop.watchers.length;
        const socket = openClient(server.url, null);
        pop.watchers.push(socket);
        pop.watcherServer[wi] = serverIndex;
        socket.on("stock.changed", (event) => {
          const at = clock();
          if (event.stock !== receipts.seq) return void receipts.strays++;
          if (receipts.watcherAt[wi] !== 0) return void receipts.duplicates++;
          receipts.watcherAt[wi] = at;
          receipts.watchersGot++;
          maybeDone(receipts, pop.watchers.length);
        });
        batch.push(
          whenConnected(socket).then(async () => {
            const ack = await socket.timeout(20_000).emitWithAck("product.watch", { productId: fixture.productId });
            if (!ack.ok) throw new Error(`product.watch refused: ${ack.error}`);
          }),
        );
        pop.sockets.push(socket);
      } else {
        const bi = pop.buyers.length;
        const buyer = fixture.buyers[bi]!;
        const socket = openClient(server.url, `${server.cookieName}=${buyer.token}`);
        pop.buyers.push(socket);
        pop.buyerServer[bi] = serverIndex;
        pop.buyerUserIds.push(buyer.id);
        socket.on("order.updated", (event) => {
          const at = clock();
          if (bi !== receipts.buyerIndex || event.orderId !== receipts.orderId) return void receipts.strays++;
          if (receipts.buyerAt !== 0) return void receipts.duplicates++;
          receipts.buyerAt = at;
          maybeDone(receipts, pop.watchers.length);
        });
        batch.push(whenConnected(socket));
        pop.sockets.push(socket);
      }
    }
    await Promise.all(batch);
    const connected = Math.min(count, start + opts.batch);
    if (process.env.BENCH_VERBOSE) log(`  connected ${connected}/${count} at ${Math.round(performance.now() - connectStarted)} ms`);
    if (onProgress && (connected === count || Math.floor(connected / (count / 10)) > Math.floor((connected - opts.batch) / (count / 10)))) {
      await onProgress(connected);
    }
  }
  // Buyers join their user room after a database look-up that follows the connection: wait
  // until every server holds the expected room members.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const all = await Promise.all(servers.map((s) => s.stats(false)));
    const inProduct = all.reduce((a, s) => a + s.productRoom, 0);
    const inUser = all.reduce((a, s) => a + s.userRooms, 0);
    if (inProduct >= watcherTotal && inUser >= buyerTotal) break;
    if (Date.now() > deadline) throw new Error(`rooms not filled: product ${inProduct}/${watcherTotal}, user ${inUser}/${buyerTotal}`);
    await sleep(100);
  }
  return pop;
}

function maybeDone(r: Receipts, watcherCount: number) {
  if ((!r.productEvent || r.watchersGot === watcherCount) && (r.buyerIndex < 0 || r.buyerAt !== 0)) r.done?.();
}

async function closePopulation(pop: Population) {
  for (const s of pop.sockets) s.close();
  await sleep(300);
}

// ---------------------------------------------------------------------------------------------
// One run

interface Publication {
  committedAt: number;
  emittedAt: number;
  txMs: number;
  buyerAt: number;
  buyerServer: number;
  watcherAt: Float64Array;
  missing: number;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
}

function summarize(values: ArrayLike<number>): Summary {
  const s = sortedCopy(values);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

/** Per-event figures of one run (ms); small enough to keep in the JSON. */
interface EventSamples {
  /** order.updated to one random buyer: commit → receipt. */
  buyer: number[];
  /** stock.changed: commit → receipt by the first / the last watcher (the fan-out time). */
  firstWatcher: number[];
  lastWatcher: number[];
  /** Synchronous part of the fan-out in the publishing server (the sink's emit call). */
  emitSync: number[];
  /** Last watcher's receipt − end of the server's synchronous emit: kernel + client side. */
  afterEmit: number[];
  /** The transaction itself (BEGIN … COMMIT), not part of any latency above. */
  tx: number[];
}

interface RunResult {
  n: number;
  mode: Mode;
  repeat: number;
  watchers: number;
  buyers: number;
  loadAvg1m: { before: number; after: number };
  connectMs: number;
  clockRttMs: number[];
  /** Bytes per connected socket, all server processes together. */
  memory: {
    rssPerSocket: number;
    heapPerSocket: number;
    externalPerSocket: number;
    twoPoint: { rss: number; heapUsed: number };
    points: { sockets: number; rss: number; heapUsed: number; external: number }[];
  };
  events: EventSamples;
  /** order.updated in a transaction without the product event: commit → receipt. */
  userEventAlone: number[];
  /** stock.changed, each watcher's receipt (commit → receipt), all events of the run. */
  watcher: Summary;
  /** Two processes: split by where the socket is connected (A publishes; B gets it through Redis). */
  byServer?: Record<"A" | "B", { watcher: Summary; lastWatcher: Summary; buyer: Summary }>;
  serverCpuMsPerEvent: number;
  missing: number;
  strays: number;
  duplicates: number;
  clientRssMb: number;
}

/** Every watcher receipt of every run, by configuration: pooled for the table, not saved. */
const watcherPools = new Map<string, Float64Array[]>();

let seqCounter = 0;

async function publishOne(
  server: ServerHandle,
  fixture: Fixture,
  pop: Population,
  receipts: Receipts,
  rng: () => number,
  productEvent = true,
): Promise<Publication> {
  const seq = ++seqCounter;
  const buyerIndex = pop.buyers.length ? Math.floor(rng() * pop.buyers.length) : -1;
  receipts.seq = seq;
  receipts.orderId = `bench-${seq}`;
  receipts.buyerIndex = buyerIndex;
  receipts.watcherAt.fill(0);
  receipts.watchersGot = 0;
  receipts.productEvent = productEvent;
  receipts.buyerAt = 0;
  const received = new Promise<void>((resolve) => (receipts.done = resolve));
  const published = server.publish(seq, fixture, buyerIndex >= 0 ? pop.buyerUserIds[buyerIndex]! : null, productEvent);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, EVENT_TIMEOUT_MS)));
  const msg = await Promise.race([published, timedOut.then(() => null)]);
  if (!msg) throw new Error(`publish ${seq}: no reply from the server within ${EVENT_TIMEOUT_MS} ms`);
  await Promise.race([received, timedOut]);
  clearTimeout(timer);
  receipts.done = null;
  const missing = (productEvent ? pop.watchers.length - receipts.watchersGot : 0) + (buyerIndex >= 0 && receipts.buyerAt === 0 ? 1 : 0);
  return {
    committedAt: server.local(msg.committedAt),
    emittedAt: server.local(msg.emittedAt),
    txMs: msg.committedAt - msg.startedAt,
    buyerAt: receipts.buyerAt,
    buyerServer: buyerIndex >= 0 ? pop.buyerServer[buyerIndex]! : -1,
    watcherAt: Float64Array.from(receipts.watcherAt),
    missing,
  };
}

/** Median of the slopes between consecutive (x, y) points. */
function medianSlope(points: number[][]): number {
  const slopes: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    if (x1! > x0!) slopes.push((y1! - y0!) / (x1! - x0!));
  }
  return median(slopes);
}

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runOnce(fixture: Fixture, n: number, mode: Mode, repeat: number): Promise<RunResult> {
  const env = (name: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: fixture.url, BENCH_PRODUCT_ID: fixture.productId, BENCH_SERVER_NAME: name };
    if (mode === "two") e.REDIS_URL = opts.redisUrl;
    else delete e.REDIS_URL;
    return e;
  };
  const names = mode === "two" ? ["A", "B"] : ["A"];
  const servers = await Promise.all(names.map((name) => ServerHandle.start(name, env(name))));
  const rng = mulberry32(repeat * 7919 + n);
  const loadBefore = os.loadavg()[0]!;
  try {
    for (const s of servers) await s.calibrateClock();
    await sleep(500); // Redis adapters subscribed

    // Warm-up: a small population and a few events, so that lazily compiled code and pools
    // are in place before the memory baseline; then it leaves.
    {
      const receipts = newReceipts(40);
      const pop = await connectPopulation(servers, fixture, 50, receipts);
      for (let i = 0; i < opts.warmup; i++) await publishOne(servers[0]!, fixture, pop, receipts, rng);
      await closePopulation(pop);
      await sleep(500);
    }
    // Memory: sampled after a full GC before connecting and about every N/10 sockets. The
    // per-socket figure is the median of the slopes between consecutive samples: RSS moves in
    // steps when V8 or malloc hands pages back, and one step should not decide the figure.
    const total = (list: ServerStats[]) => ({
      rss: list.reduce((a, s) => a + s.memory.rss, 0),
      heapUsed: list.reduce((a, s) => a + s.memory.heapUsed, 0),
      external: list.reduce((a, s) => a + s.memory.external, 0),
    });
    const points: { sockets: number; rss: number; heapUsed: number; external: number }[] = [];
    let samplingMs = 0;
    const sample = async (sockets: number) => {
      const t = performance.now();
      if (sockets === n) await sleep(500); // the last buyers' rooms
      points.push({ sockets, ...total(await Promise.all(servers.map((s) => s.stats(true)))) });
      samplingMs += performance.now() - t;
    };
    await sample(0);

    const receipts = newReceipts(Math.round(n * opts.watcherShare));
    const connectStarted = performance.now();
    const pop = await connectPopulation(servers, fixture, n, receipts, sample);
    const connectMs = performance.now() - connectStarted - samplingMs;
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const memory = {
      rssPerSocket: medianSlope(points.map((p) => [p.sockets, p.rss])),
      heapPerSocket: medianSlope(points.map((p) => [p.sockets, p.heapUsed])),
      externalPerSocket: medianSlope(points.map((p) => [p.sockets, p.external])),
      twoPoint: { rss: (last.rss - first.rss) / n, heapUsed: (last.heapUsed - first.heapUsed) / n },
      points,
    };

    for (let i = 0; i < opts.warmup; i++) await publishOne(servers[0]!, fixture, pop, receipts, rng);
    receipts.strays = 0;
    receipts.duplicates = 0;
    const cpuBefore = await servers[0]!.stats(false);
    const pubs: Publication[] = [];
    for (let i = 0; i < opts.events; i++) {
      pubs.push(await publishOne(servers[0]!, fixture, pop, receipts, rng));
      if (opts.gapMs) await sleep(opts.gapMs);
    }
    const cpuAfter = await servers[0]!.stats(false);
    // The same transaction with the user event only: what a buyer waits when no product
    // fan-out is queued before its event.
    const solo: number[] = [];
    for (let i = 0; i < opts.solo; i++) {
      const p = await publishOne(servers[0]!, fixture, pop, receipts, rng, false);
      if (p.buyerAt) solo.push(p.buyerAt - p.committedAt);
      if (opts.gapMs) await sleep(opts.gapMs);
    }
    const clientRssMb = process.memoryUsage().rss / 2 ** 20;
    await closePopulation(pop);

    return {
      n,
      mode,
      repeat,
      ...analyse(pubs, pop, n, mode),
      userEventAlone: solo,
      loadAvg1m: { before: loadBefore, after: os.loadavg()[0]! },
      connectMs,
      clockRttMs: servers.map((s) => s.clockRtt),
      memory,
      serverCpuMsPerEvent: (cpuAfter.cpuUser + cpuAfter.cpuSystem - cpuBefore.cpuUser - cpuBefore.cpuSystem) / 1000 / opts.events,
      strays: receipts.strays,
      duplicates: receipts.duplicates,
      clientRssMb,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function newReceipts(watchers: number): Receipts {
  return { seq: -1, orderId: "", buyerIndex: -1, watcherAt: new Float64Array(watchers), watchersGot: 0, productEvent: true, buyerAt: 0, strays: 0, duplicates: 0, done: null };
}

function analyse(pubs: Publication[], pop: Population, n: number, mode: Mode) {
  const W = pop.watchers.length;
  const watcherLat = new Float64Array(pubs.length * W);
  const events: EventSamples = { buyer: [], firstWatcher: [], lastWatcher: [], emitSync: [], afterEmit: [], tx: [] };
  const split = [0, 1].map(() => ({ w: [] as number[], last: [] as number[], b: [] as number[] }));
  let k = 0;
  let missing = 0;
  for (const p of pubs) {
    missing += p.missing;
    let first = Infinity;
    let last = -Infinity;
    const lastBy = [-Infinity, -Infinity];
    for (let i = 0; i < W; i++) {
      const at = p.watcherAt[i]!;
      if (at === 0) continue;
      const lat = at - p.committedAt;
      watcherLat[k++] = lat;
      if (lat < first) first = lat;
      if (lat > last) last = lat;
      const s = pop.watcherServer[i]!;
      if (lat > lastBy[s]!) lastBy[s] = lat;
      if (mode === "two") split[s]!.w.push(lat);
    }
    if (Number.isFinite(first)) events.firstWatcher.push(first);
    if (Number.isFinite(last)) {
      events.lastWatcher.push(last);
      events.afterEmit.push(last - (p.emittedAt - p.committedAt));
    }
    events.emitSync.push(p.emittedAt - p.committedAt);
    events.tx.push(p.txMs);
    if (mode === "two") for (const s of [0, 1]) split[s]!.last.push(lastBy[s]!);
    if (p.buyerAt) {
      const lat = p.buyerAt - p.committedAt;
      events.buyer.push(lat);
      if (mode === "two") split[p.buyerServer]!.b.push(lat);
    }
  }
  const pool = watcherLat.subarray(0, k);
  const key = `${n}/${mode}`;
  watcherPools.set(key, [...(watcherPools.get(key) ?? []), pool]);
  const side = (s: (typeof split)[number]) => ({ watcher: summarize(s.w), lastWatcher: summarize(s.last), buyer: summarize(s.b) });
  return {
    watchers: W,
    buyers: pop.buyers.length,
    events,
    watcher: summarize(pool),
    byServer: mode === "two" ? { A: side(split[0]!), B: side(split[1]!) } : undefined,
    missing,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function describeRun(r: RunResult): string {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const e = r.events;
  const pp = (v: number[]) => {
    const x = summarize(v);
    return `${ms(x.p50)}/${ms(x.p99)}`;
  };
  let line =
    `N=${r.n} ${r.mode} #${r.repeat + 1} (load ${r.loadAvg1m.before.toFixed(1)}→${r.loadAvg1m.after.toFixed(1)}): connect ${Math.round(r.connectMs)} ms; ` +
    `p50/p99 ms: buyer ${pp(e.buyer)} (alone ${pp(r.userEventAlone)}), watcher ${ms(r.watcher.p50)}/${ms(r.watcher.p99)}, ` +
    `first watcher ${pp(e.firstWatcher)}, last watcher ${pp(e.lastWatcher)}, server emit ${pp(e.emitSync)}, ` +
    `last after emit ${pp(e.afterEmit)}, tx ${pp(e.tx)}; ` +
    `mem/socket RSS ${kb(r.memory.rssPerSocket)}, heap ${kb(r.memory.heapPerSocket)}, external ${kb(r.memory.externalPerSocket)}; ` +
    `server CPU ${ms(r.serverCpuMsPerEvent)} ms/event; client RSS ${Math.round(r.clientRssMb)} MiB`;
  if (r.byServer) {
    const { A, B } = r.byServer;
    line +=
      `\n    sockets on A (publisher): watcher p50 ${ms(A.watcher.p50)}, last p50 ${ms(A.lastWatcher.p50)}, buyer p50 ${ms(A.buyer.p50)}; ` +
      `on B (through Redis): watcher p50 ${ms(B.watcher.p50)}, last p50 ${ms(B.lastWatcher.p50)}, buyer p50 ${ms(B.buyer.p50)}`;
  }
  if (r.missing || r.strays || r.duplicates) line += `\n    !! missing ${r.missing}, strays ${r.strays}, duplicates ${r.duplicates}`;
  return line;
}

/** Pooled over every event of every run of a configuration; p50 range = lowest–highest run p50. */
function table(results: RunResult[]): string {
  const rows = [
    "| N | server | runs × events | user event p50 / p99 | user event alone p50 / p99 | watcher event p50 / p99 | fan-out to all watchers: median / p99 (run medians) | server's synchronous emit, median | server memory per socket: RSS / heap (median of runs) |",
    "|---:|---|---|---|---|---|---|---:|---|",
  ];
  for (const n of opts.sizes) {
    for (const mode of opts.modes) {
      const rs = results.filter((r) => r.n === n && r.mode === mode);
      if (!rs.length) continue;
      const pooled = (pick: (e: EventSamples) => number[]) => summarize(rs.flatMap((r) => pick(r.events)));
      const range = (pick: (e: EventSamples) => number[]) => {
        const p50s = rs.map((r) => summarize(pick(r.events)).p50);
        return `${ms(Math.min(...p50s), 0)}–${ms(Math.max(...p50s), 0)}`;
      };
      const pools = watcherPools.get(`${n}/${mode}`) ?? [];
      const all = new Float64Array(pools.reduce((a, p) => a + p.length, 0));
      pools.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
      const watcher = summarize(all);
      const buyer = pooled((e) => e.buyer);
      const last = pooled((e) => e.lastWatcher);
      const alone = summarize(rs.flatMap((r) => r.userEventAlone));
      const kib = (pick: (r: RunResult) => number) => ms(median(rs.map(pick)) / 1024);
      rows.push(
        `| ${n} | ${mode === "one" ? "1 process" : "2 processes + Redis"} | ${rs.length} × ${rs[0]!.events.tx.length} | ` +
          `${ms(buyer.p50)} / ${ms(buyer.p99)} ms | ` +
          `${ms(alone.p50)} / ${ms(alone.p99)} ms | ` +
          `${ms(watcher.p50)} / ${ms(watcher.p99)} ms | ` +
          `${ms(last.p50)} / ${ms(last.p99)} ms (${range((e) => e.lastWatcher)}) | ` +
          `${ms(pooled((e) => e.emitSync).p50)} ms | ` +
          `${kib((r) => r.memory.rssPerSocket)} / ${kib((r) => r.memory.heapPerSocket)} KiB |`,
      );
    }
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Main

let cleaningUp = false;
async function cleanup() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const child of children) child.kill("SIGKILL");
  await dropDatabase(opts.pgUrl, opts.dbName).catch((err: unknown) => console.error(`[bench] could not drop ${opts.dbName}: ${String(err)}`));
}

async function main() {
  const started = performance.now();
  const results: RunResult[] = [];
  const deadline = setTimeout(() => {
    console.error(`[bench] deadline of ${opts.deadlineS} s reached: stopping; the table covers the runs done`);
    void cleanup().then(() => {
      report(results, started);
      process.exit(1);
    });
  }, opts.deadlineS * 1000);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void cleanup().then(() => process.exit(130)));
  }

  log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; options ${JSON.stringify({ ...opts, pgUrl: undefined })}`);
  const buyersNeeded = Math.max(...opts.sizes.map((n) => n - Math.round(n * opts.watcherShare)));
  const fixture = await createFixture(opts.pgUrl, opts.dbName, Math.max(buyersNeeded, 10), log);

  const durations = new Map<string, number>();
  try {
    for (let repeat = 0; repeat < opts.repeats; repeat++) {
      for (const n of opts.sizes) {
        for (const mode of opts.modes) {
          // Skip a run that would start after the budget, or that would likely end after the
          // deadline (judged by the last run of the same configuration, or of the same N).
          const elapsedS = (performance.now() - started) / 1000;
          const expectedS = durations.get(`${n}/${mode}`) ?? Math.max(0, ...opts.modes.map((m) => durations.get(`${n}/${m}`) ?? 0));
          if (elapsedS > opts.budgetS || elapsedS + expectedS * 1.3 > opts.deadlineS - 15) {
            log(`time budget: N=${n} ${mode} #${repeat + 1} skipped (${Math.round(elapsedS)} s used, the last such run took ${Math.round(expectedS)} s)`);
            continue;
          }
          const runStarted = performance.now();
          const r = await runOnce(fixture, n, mode, repeat);
          durations.set(`${n}/${mode}`, (performance.now() - runStarted) / 1000);
          results.push(r);
          log(describeRun(r));
        }
      }
    }
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }

  report(results, started);
}

/** Prints the table and writes the JSON; also called with the runs done when the deadline hits. */
function report(results: RunResult[], started: number) {
  if (!results.length) return;
  const text = table(results);
  console.log(
    `\nCommit → receipt, pooled over all events of all runs (${opts.events} events per run, one at a time, ${opts.gapMs} ms apart;` +
      ` in parentheses the lowest–highest median of single runs):\n\n${text}\n`,
  );
  const dir = fileURLToPath(new URL("../results", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/realtime-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGiB: os.totalmem() / 2 ** 30 },
        options: { ...opts, pgUrl: undefined },
        table: text,
        results,
      },
      null,
      2,
    ),
  );
  log(`results in ${file}; total ${Math.round((performance.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    if (cleaningUp) return; // the deadline or a signal: already reported, exiting
    console.error(err);
    await cleanup();
    process.exit(1);
  },
);
