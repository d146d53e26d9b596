import { io as connect, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerEventName, ServerToClientEvents } from "@marketplace/shared";

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

/** Everything a socket receives, by event name, for later assertions. */
export function record(socket: ClientSocket): Map<ServerEventName, unknown[]> {
  const got = new Map<ServerEventName, unknown[]>();
  socket.onAny((name: ServerEventName, payload: unknown) => {
    got.set(name, [...(got.get(name) ?? []), payload]);
  });
  return got;
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

/** Lets in-flight socket traffic settle before asserting that something did NOT arrive. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
