/**
 * One marketplace server in its own process, so that its memory is not mixed with the client
 * sockets'. Built like server/src/main.ts (PostgreSQL, Redis adapter when REDIS_URL is set), but
 * driven by the bench runner over IPC: it reports memory and publishes events on request.
 *
 * Env: DATABASE_URL (required), REDIS_URL (optional), BENCH_PRODUCT_ID (the watched product),
 * BENCH_ADAPTER=pubsub (with REDIS_URL: Socket.IO's pub/sub Redis adapter in place of the streams
 * adapter the server builds, for the comparison; the server itself is then started without Redis).
 * Run with `--expose-gc` so that memory samples follow a full collection.
 */
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { inTransaction } from "../../server/src/lib/transaction.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { createPaymentProvider } from "../../server/src/modules/payments/index.ts";
import { sessionCookie } from "../../server/src/modules/auth/session-cookie.ts";
import { nullSink, rooms, type EventSink } from "../../server/src/realtime/publish.ts";
import { createServer } from "../../server/src/server.ts";
import { serveRunner } from "../lib/server-side.ts";
import { clock, type FromServer, type PublishRequest, type ToServer } from "./protocol.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";
import { createAdapter as createPubSubAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";

const pubSub = process.env.BENCH_ADAPTER === "pubsub" && !!process.env.REDIS_URL;
const runner = serveRunner<ToServer>("bench/realtime/server-process.ts", () => server.stop(), {
  clock: (msg) => send({ type: "clock", sentAt: msg.sentAt, serverNow: clock() }),
  publish: (msg) => {
    const req = msg;
    publish(req).catch((err: unknown) => send({ type: "error", message: `publish ${req.seq}: ${String(err)}` }));
  },
  stats: (msg) => stats(msg.gc),
});
const send = (msg: FromServer) => runner.send(msg);

const config = loadConfig({
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  DATABASE_URL: process.env.DATABASE_URL,
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
  REDIS_URL: pubSub ? undefined : process.env.REDIS_URL,
  PAYMENTS: "test",
  MAIL: "off", // production requires a mail relay otherwise; no mail is sent here
  // Every client socket of the bench comes from 127.0.0.1 (5,000 of them): lift the per-IP limits.
  SOCKET_CONNECTIONS_PER_IP: "1000000",
  SOCKET_REQUESTS_PER_MINUTE: "1000000",
  CLIENT_DIST: "/nonexistent",
  DATA_DIR: path.join(os.tmpdir(), "mk-bench-rt"), // uploads folder; nothing is uploaded
});
const database = await openDatabase({ url: config.DATABASE_URL!, poolSize: config.DATABASE_POOL_SIZE });
// As server/src/main.ts builds them (the login limiter does not matter here: nobody logs in).
const server = await createServer({ config, database, limits: memoryLimiterStore(), sink: nullSink, payments: createPaymentProvider(config), metrics: createMetrics() });
if (pubSub) {
  const pub = new Redis(process.env.REDIS_URL!);
  const sub = pub.duplicate();
  server.realtime.io.adapter(createPubSubAdapter(pub, sub, { key: "mk-bench-rt-pubsub" }));
}
const url = await server.start();
const productRoom = rooms.product(process.env.BENCH_PRODUCT_ID ?? "");
const gc = (globalThis as { gc?: () => void }).gc;

async function publish(req: PublishRequest) {
  const startedAt = clock();
  let committedAt = 0;
  // inTransaction hands the events to the sink right after the commit: stamp that moment,
  // then let the real sink (Socket.IO, through Redis when configured) do the fan-out.
  const real = server.deps.sink;
  const stamping: EventSink = {
    roomsChanged: (changes) => real.roomsChanged(changes),
    emit(events) {
      committedAt = clock();
      real.emit(events);
    },
    sessionsRevoked: (ids) => real.sessionsRevoked(ids),
  };
  await inTransaction({ db: database.prisma, deps: { ...server.deps, sink: stamping } }, async (tx, events) => {
    const variant = await tx.variant.update({
      where: { id: req.variantId },
      data: { stock: req.seq },
      select: { stock: true },
    });
    if (req.productEvent) {
      events.add("stock.changed", [rooms.product(req.productId)], { productId: req.productId, variantId: req.variantId, stock: variant.stock });
    }
    if (req.buyerId) {
      events.add("order.updated", [rooms.user(req.buyerId)], { orderId: `bench-${req.seq}`, sellerOrderId: "bench", status: "PAID" });
    }
  });
  const emittedAt = clock();
  send({ type: "published", seq: req.seq, startedAt, committedAt, emittedAt });
}

function stats(withGc: boolean) {
  if (withGc && gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  let userRooms = 0;
  for (const [room, members] of server.realtime.io.of("/").adapter.rooms) {
    if (room.startsWith("user:")) userRooms += members.size;
  }
  send({
    type: "stats",
    stats: {
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers },
      sockets: server.realtime.io.of("/").sockets.size,
      productRoom: server.realtime.io.of("/").adapter.rooms.get(productRoom)?.size ?? 0,
      userRooms,
      cpuUser: cpu.user,
      cpuSystem: cpu.system,
    },
  });
}

runner.ready(url, { cookieName: sessionCookie(config).name, pid: process.pid });
