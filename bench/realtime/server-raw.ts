/**
 * The raw floor of the real-time benchmark: what writing the same events to the same sockets
 * costs without Socket.IO. A plain `ws` WebSocket server (no compression, like ours) in its own
 * process, driven over the same IPC as ours (protocol.ts). A client says in its URL whether it
 * watches the product or is a buyer (and which user); the server keeps the watchers in an array
 * and the buyers by user id.
 *
 * A publication writes the same packets ours sends (a Socket.IO event packet, `42["name",
 * payload]`, with the same payload and its meta), encoded once: the `order.updated` to its buyer
 * first, then the `stock.changed` to every watcher, one `send` each, as Socket.IO's broadcast
 * does. What it skips, next to the figure in the results file and README: the transaction
 * (nothing is committed; "commit" is the moment before the first write), Socket.IO and
 * engine.io (rooms, the adapter, packet encoding per broadcast, heartbeats, the handshake and
 * its session lookup).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { serveRunner } from "../lib/server-side.ts";
import { clock, socketIoEventPacket, type FromServer, type PublishRequest, type ToServer } from "./protocol.ts";

const watchers = new Set<WebSocket>();
const buyers = new Map<string, WebSocket>();
const httpServer = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });

const runner = serveRunner<ToServer>(
  "bench/realtime/server-raw.ts",
  async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => httpServer.close(resolve));
  },
  {
    clock: (msg) => send({ type: "clock", sentAt: msg.sentAt, serverNow: clock() }),
    publish: (msg) => publish(msg),
    stats: (msg) => stats(msg.gc),
  },
);
const send = (msg: FromServer) => runner.send(msg);

wss.on("connection", (ws, req) => {
  const params = new URL(req.url ?? "/", "http://x").searchParams;
  const user = params.get("user");
  if (params.get("role") === "buyer" && user) {
    buyers.set(user, ws);
    ws.once("close", () => buyers.delete(user));
  } else {
    watchers.add(ws);
    ws.once("close", () => watchers.delete(ws));
  }
});

const meta = () => ({ id: randomUUID(), at: new Date().toISOString() });

function publish(req: PublishRequest) {
  const startedAt = clock();
  const committedAt = startedAt;
  if (req.buyerId) {
    const packet = socketIoEventPacket("order.updated", { orderId: `bench-${req.seq}`, sellerOrderId: "bench", status: "PAID", ...meta() });
    buyers.get(req.buyerId)?.send(packet);
  }
  if (req.productEvent) {
    const packet = Buffer.from(socketIoEventPacket("stock.changed", { productId: req.productId, variantId: req.variantId, stock: req.seq, ...meta() }));
    for (const ws of watchers) ws.send(packet, { binary: false });
  }
  send({ type: "published", seq: req.seq, startedAt, committedAt, emittedAt: clock() });
}

const gc = (globalThis as { gc?: () => void }).gc;

function stats(withGc: boolean) {
  if (withGc && gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  send({
    type: "stats",
    stats: {
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers },
      sockets: wss.clients.size,
      productRoom: watchers.size,
      userRooms: buyers.size,
      cpuUser: cpu.user,
      cpuSystem: cpu.system,
    },
  });
}

await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
const address = httpServer.address() as { port: number };
runner.ready(`http://127.0.0.1:${address.port}`, { cookieName: "", pid: process.pid });
