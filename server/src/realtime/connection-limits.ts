import { ServerResponse, type IncomingMessage } from "node:http";
import type { Config } from "../config.ts";
import { clientIp } from "../http/client-ip.ts";
import { take, type LimiterStore } from "../lib/rate-limiter.ts";

/**
 * Per-IP limits on Socket.IO (SECURITY 39). Socket.IO answers on the raw HTTP server, so Fastify's
 * request limit never sees its handshakes and polls: without these, one IP opened 3,000 sockets
 * and sent 700 polls in 1.8 s.
 *
 * - Requests: every engine.io HTTP request (handshake, long-poll GET, POST, WebSocket upgrade)
 *   takes a point from `socket:requests:<ip>`, SOCKET_REQUESTS_PER_MINUTE per minute, in the
 *   app's limiter store — shared by every replica with Redis, like the login limits.
 * - Connections: at most SOCKET_CONNECTIONS_PER_IP open at once per IP. Counted in this process,
 *   because an open socket is this process's resource (memory, a file descriptor) and the count must
 *   fall back exactly as sockets close, even when another replica dies — a Redis counter would keep
 *   a crashed replica's sockets forever.
 *
 * The IP is read like Fastify's `req.ip` (TRUST_PROXY_HOPS), so a client cannot pick its own
 * address with X-Forwarded-For unless a trusted proxy wrote it.
 */
export const SOCKET_REQUESTS_RULE = (perMinute: number) => ({ name: "socket:requests", points: perMinute, durationSeconds: 60 });

/** What engine.io hands its "connection" listeners: enough of its socket to count and close it. */
interface EngineSocket {
  request: IncomingMessage;
  once(event: "close", listener: () => void): void;
  close(): void;
}

/** The parts of engine.io's server these limits attach to. */
export interface EngineServer {
  use(middleware: (req: IncomingMessage, res: ServerResponse | object, next: (err?: Error) => void) => void): void;
  on(event: "connection", listener: (socket: EngineSocket) => void): void;
}

type LimitsConfig = Pick<Config, "SOCKET_CONNECTIONS_PER_IP" | "SOCKET_REQUESTS_PER_MINUTE" | "TRUST_PROXY_HOPS">;

export interface ConnectionLimits {
  /** For `allowRequest`: false when the handshake's IP already holds its share of open sockets. */
  mayConnect(req: IncomingMessage): boolean;
  /** Open sockets per IP right now (for tests and diagnostics). */
  openCount(ip: string): number;
}

export function attachConnectionLimits(engine: EngineServer, store: LimiterStore, config: LimitsConfig): ConnectionLimits {
  const requests = store.limiter(SOCKET_REQUESTS_RULE(config.SOCKET_REQUESTS_PER_MINUTE));
  const open = new Map<string, number>();
  const ipOf = (req: IncomingMessage) => clientIp(req, config.TRUST_PROXY_HOPS);

  engine.use((req, res, next) => {
    take(requests, ipOf(req)).then(
      ({ allowed, retryAfterSeconds }) => {
        if (allowed) return next();
        // A polling request gets a proper 429; engine.io then skips its own error answer. An
        // upgrade has no HTTP response to write: engine.io refuses it (400) and drops the socket.
        if (res instanceof ServerResponse && !res.headersSent) {
          res.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfterSeconds) });
          res.end(JSON.stringify({ message: "Too many requests" }));
        }
        next(new Error("Too many Socket.IO requests from this address"));
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });

  // Concurrent handshakes may all pass `mayConnect` before any of them is counted; the count taken
  // here, as each connection opens, closes those beyond the limit at once.
  engine.on("connection", (socket) => {
    const ip = ipOf(socket.request);
    const count = (open.get(ip) ?? 0) + 1;
    open.set(ip, count);
    socket.once("close", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
    if (count > config.SOCKET_CONNECTIONS_PER_IP) socket.close();
  });

  return {
    mayConnect: (req) => (open.get(ipOf(req)) ?? 0) < config.SOCKET_CONNECTIONS_PER_IP,
    openCount: (ip) => open.get(ip) ?? 0,
  };
}
