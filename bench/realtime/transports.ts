import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import type { ClientToServerEvents, ServerToClientEvents } from "@marketplace/shared";
import type { RealtimeServer } from "./server-handle.ts";

/**
 * How the client sockets connect and receive, behind one interface so that the same measurement
 * runs against ours (Socket.IO, what the marketplace's clients use) and the raw floor (plain
 * WebSocket frames carrying the same Socket.IO packets, decoded the same way).
 */
export interface Transport {
  /** An anonymous socket watching the product; `ready` resolves once the server has it in the product's room. */
  watcher(server: RealtimeServer, productId: string, onStock: (stock: number) => void): Opened;
  /** A signed-in buyer's socket (in its user room once the server has looked up its session). */
  buyer(server: RealtimeServer, buyer: { id: string; token: string }, onOrder: (orderId: string) => void): Opened;
}

export interface Opened {
  ready: Promise<void>;
  close(): void;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

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

/** Ours: socket.io-client, websocket transport only, one connection per socket (forceNew). */
export const socketIo: Transport = {
  watcher(server, productId, onStock) {
    const socket = openClient(server.url, null);
    socket.on("stock.changed", (event) => onStock(event.stock));
    const ready = whenConnected(socket).then(async () => {
      const ack = await socket.timeout(20_000).emitWithAck("product.watch", { productId });
      if (!ack.ok) throw new Error(`product.watch refused: ${ack.error}`);
    });
    return { ready, close: () => socket.close() };
  },
  buyer(server, buyer, onOrder) {
    const socket = openClient(server.url, `${server.cookieName}=${buyer.token}`);
    socket.on("order.updated", (event) => onOrder(event.orderId));
    return { ready: whenConnected(socket), close: () => socket.close() };
  },
};

/** A Socket.IO event packet as engine.io carries it: "4" (message) "2" (event) and the JSON array. */
function decodeEvent(data: WebSocket.RawData): [string, Record<string, unknown>] | null {
  const text = data.toString();
  if (!text.startsWith("42")) return null;
  return JSON.parse(text.slice(2)) as [string, Record<string, unknown>];
}

function openWs(url: string): { socket: WebSocket; ready: Promise<void> } {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const ready = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, ready };
}

/** The raw floor: `ws` clients; the role is in the URL (no handshake, no session lookup). */
export const rawWs: Transport = {
  watcher(server, _productId, onStock) {
    const { socket, ready } = openWs(`${server.url.replace(/^http/, "ws")}/?role=watcher`);
    socket.on("message", (data) => {
      const event = decodeEvent(data);
      if (event?.[0] === "stock.changed") onStock(event[1].stock as number);
    });
    return { ready, close: () => socket.close() };
  },
  buyer(server, buyer, onOrder) {
    const { socket, ready } = openWs(`${server.url.replace(/^http/, "ws")}/?role=buyer&user=${encodeURIComponent(buyer.id)}`);
    socket.on("message", (data) => {
      const event = decodeEvent(data);
      if (event?.[0] === "order.updated") onOrder(event[1].orderId as string);
    });
    return { ready, close: () => socket.close() };
  },
};
