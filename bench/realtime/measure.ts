import os from "node:os";
import { rng } from "../lib/random.ts";
import { median, percentile, sortedCopy } from "../lib/stats.ts";
import type { Fixture } from "./fixture.ts";
import { opts, redisUrl, twoProcesses, type Mode } from "./options.ts";
import type { ServerStats } from "./protocol.ts";
import { closePopulation, connectPopulation, newReceipts, type Population, type Receipts } from "./population.ts";
import { RealtimeServer } from "./server-handle.ts";
import { rawWs, socketIo } from "./transports.ts";

/**
 * One run of one configuration (N sockets, a mode): start the server process(es), connect the
 * sockets while sampling memory, publish the events one at a time and time every receipt.
 */

const EVENT_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Summary {
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const s = sortedCopy(values);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

/** Per-event figures of one run (ms); small enough to keep in the JSON. */
export interface EventSamples {
  /** order.updated to one random buyer: commit → receipt. */
  buyer: number[];
  /** stock.changed: commit → receipt by the first / the last watcher (the fan-out time). */
  firstWatcher: number[];
  lastWatcher: number[];
  /** Synchronous part of the fan-out in the publishing server (the sink's emit call; raw: the write loop). */
  emitSync: number[];
  /** Last watcher's receipt − end of the server's synchronous emit: kernel + client side. */
  afterEmit: number[];
  /** The transaction itself (BEGIN … COMMIT), not part of any latency above (raw: none, 0). */
  tx: number[];
}

export interface RunResult {
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

interface Publication {
  committedAt: number;
  emittedAt: number;
  txMs: number;
  buyerAt: number;
  buyerServer: number;
  watcherAt: Float64Array;
  missing: number;
}

/** Every watcher receipt of every run, by configuration: pooled for the table. */
export const watcherPools = new Map<string, Float64Array[]>();

let seqCounter = 0;

async function publishOne(server: RealtimeServer, fixture: Fixture, pop: Population, receipts: Receipts, random: () => number, productEvent = true): Promise<Publication> {
  const seq = ++seqCounter;
  const buyerIndex = pop.buyers ? Math.floor(random() * pop.buyers) : -1;
  receipts.seq = seq;
  receipts.orderId = `bench-${seq}`;
  receipts.buyerIndex = buyerIndex;
  receipts.watcherAt.fill(0);
  receipts.watchersGot = 0;
  receipts.productEvent = productEvent;
  receipts.buyerAt = 0;
  const received = new Promise<void>((resolve) => (receipts.done = resolve));
  const published = server.publish({ seq, productId: fixture.productId, variantId: fixture.variantId, buyerId: buyerIndex >= 0 ? pop.buyerUserIds[buyerIndex]! : null, productEvent });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, EVENT_TIMEOUT_MS)));
  const msg = await Promise.race([published, timedOut.then(() => null)]);
  if (!msg) throw new Error(`publish ${seq}: no reply from the server within ${EVENT_TIMEOUT_MS} ms`);
  await Promise.race([received, timedOut]);
  clearTimeout(timer);
  receipts.done = null;
  const missing = (productEvent ? pop.watchers - receipts.watchersGot : 0) + (buyerIndex >= 0 && receipts.buyerAt === 0 ? 1 : 0);
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

async function startServers(fixture: Fixture, mode: Mode): Promise<RealtimeServer[]> {
  const env = (name: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: fixture.url, BENCH_PRODUCT_ID: fixture.productId, BENCH_SERVER_NAME: name };
    if (twoProcesses(mode)) e.REDIS_URL = redisUrl;
    else delete e.REDIS_URL;
    if (mode === "two-pubsub") e.BENCH_ADAPTER = "pubsub";
    else delete e.BENCH_ADAPTER;
    return e;
  };
  if (mode === "raw") return [await RealtimeServer.start("raw", new URL("./server-raw.ts", import.meta.url), env("raw"))];
  const script = new URL("./server-process.ts", import.meta.url);
  return Promise.all((twoProcesses(mode) ? ["A", "B"] : ["A"]).map((name) => RealtimeServer.start(name, script, env(name))));
}

export async function runOnce(fixture: Fixture, n: number, mode: Mode, repeat: number): Promise<RunResult> {
  const servers = await startServers(fixture, mode);
  const transport = mode === "raw" ? rawWs : socketIo;
  const random = rng(repeat * 7919 + n);
  const loadBefore = os.loadavg()[0]!;
  try {
    for (const s of servers) await s.calibrateClock();
    await sleep(500); // Redis adapters subscribed

    // Warm-up: a small population and a few events, so that lazily compiled code and pools
    // are in place before the memory baseline; then it leaves.
    {
      const receipts = newReceipts(40);
      const pop = await connectPopulation(transport, servers, fixture, 50, receipts);
      for (let i = 0; i < opts.warmup; i++) await publishOne(servers[0]!, fixture, pop, receipts, random);
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
    const points: RunResult["memory"]["points"] = [];
    let samplingMs = 0;
    const sample = async (sockets: number) => {
      const t = performance.now();
      if (sockets === n) await sleep(500); // the last buyers' rooms
      points.push({ sockets, ...total(await Promise.all(servers.map((s) => s.stats(true)))) });
      samplingMs += performance.now() - t;
    };
    await sample(0);

    const receipts = newReceipts(Math.round(n * opts.watchers));
    const connectStarted = performance.now();
    const pop = await connectPopulation(transport, servers, fixture, n, receipts, sample);
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

    for (let i = 0; i < opts.warmup; i++) await publishOne(servers[0]!, fixture, pop, receipts, random);
    receipts.strays = 0;
    receipts.duplicates = 0;
    const cpuBefore = await servers[0]!.stats(false);
    const pubs: Publication[] = [];
    for (let i = 0; i < opts.events; i++) {
      pubs.push(await publishOne(servers[0]!, fixture, pop, receipts, random));
      if (opts.gap) await sleep(opts.gap);
    }
    const cpuAfter = await servers[0]!.stats(false);
    // The same transaction with the user event only: what a buyer waits when no product
    // fan-out is queued before its event.
    const solo: number[] = [];
    for (let i = 0; i < opts.solo; i++) {
      const p = await publishOne(servers[0]!, fixture, pop, receipts, random, false);
      if (p.buyerAt) solo.push(p.buyerAt - p.committedAt);
      if (opts.gap) await sleep(opts.gap);
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

function analyse(pubs: Publication[], pop: Population, n: number, mode: Mode) {
  const W = pop.watchers;
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
      if (twoProcesses(mode)) split[s]!.w.push(lat);
    }
    if (Number.isFinite(first)) events.firstWatcher.push(first);
    if (Number.isFinite(last)) {
      events.lastWatcher.push(last);
      events.afterEmit.push(last - (p.emittedAt - p.committedAt));
    }
    events.emitSync.push(p.emittedAt - p.committedAt);
    events.tx.push(p.txMs);
    if (twoProcesses(mode)) for (const s of [0, 1]) split[s]!.last.push(lastBy[s]!);
    if (p.buyerAt) {
      const lat = p.buyerAt - p.committedAt;
      events.buyer.push(lat);
      if (twoProcesses(mode)) split[p.buyerServer]!.b.push(lat);
    }
  }
  const pool = watcherLat.subarray(0, k);
  const key = `${n}/${mode}`;
  watcherPools.set(key, [...(watcherPools.get(key) ?? []), pool]);
  const side = (s: (typeof split)[number]) => ({ watcher: summarize(s.w), lastWatcher: summarize(s.last), buyer: summarize(s.b) });
  return {
    watchers: W,
    buyers: pop.buyers,
    events,
    watcher: summarize(pool),
    byServer: twoProcesses(mode) ? { A: side(split[0]!), B: side(split[1]!) } : undefined,
    missing,
  };
}
