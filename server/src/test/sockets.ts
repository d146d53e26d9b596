import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerEventName, ServerToClientEvents } from "@marketplace/shared";
import type { EventSink } from "../realtime/publish.ts";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real Socket.IO client (WebSocket transport), as a browser with this cookie and origin would connect. */
export function openSocket(baseUrl: string, opts: { token?: string | null; origin?: string; cookieName?: string } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (opts.token) headers.cookie = `${opts.cookieName ?? "session"}=${opts.token}`;
  headers.origin = opts.origin ?? baseUrl;
  return connect(baseUrl, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
}

export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
}

export function disconnected(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    if (socket.disconnected && !socket.active) return resolve("already");
    socket.once("disconnect", (reason) => resolve(reason));
  });
}

/** The test-only event `caughtUp` sends (no client ever hears it from the app). */
const MARKER = "test.marker";
let markers = 0;

/** Everything a socket receives, by event name, for later assertions (`caughtUp`'s markers left out). */
export function record(socket: ClientSocket): Map<ServerEventName, unknown[]> {
  const got = new Map<ServerEventName, unknown[]>();
  socket.onAny((name: ServerEventName, payload: unknown) => {
    if ((name as string) === MARKER) return;
    got.set(name, [...(got.get(name) ?? []), payload]);
  });
  return got;
}

/**
 * Resolves once each socket has heard a marker that `sink` sends it now, to the room of its own
 * id (every socket is in it). A socket hears what one server sends it in the order sent (one
 * connection; from another replica, one Redis subscription), so by then everything `sink` sent
 * it before has arrived: the positive sign to wait for before asserting that something did NOT
 * arrive, instead of a sleep. Send it through the sink (server or replica) that sent the event in
 * question. A `stock.changed` held back by a product's throttle window (io.ts) goes out later than
 * it was published: wait until it reached another socket (e.g. the shop's) before the marker.
 */
export async function caughtUp(sink: EventSink, ...sockets: ClientSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => {
      if (!socket.id) throw new Error("caughtUp needs a connected socket");
      const n = ++markers;
      const heard = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket ${socket.id} never heard marker ${n}`)), 5_000);
        const listener = (name: string, payload: { n?: number }) => {
          if (name !== MARKER || payload?.n !== n) return;
          clearTimeout(timer);
          socket.offAny(listener);
          resolve();
        };
        socket.onAny(listener);
      });
      sink.emit([{ name: MARKER as ServerEventName, rooms: [socket.id], payload: { n } as never }]);
      return heard;
    }),
  );
}

export function nextEvent<K extends ServerEventName>(socket: ClientSocket, name: K, timeoutMs = 5_000): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(name as never, ((payload: never) => {
      clearTimeout(timer);
      resolve(payload);
    }) as never);
  });
}

/**
 * A pause on a real clock the test cannot move: a socket's event rate, Redis going away. Never
 * before asserting that something did NOT arrive: `caughtUp` is the sign to wait for there.
 */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
