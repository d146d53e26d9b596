import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { memoryLimiterStore } from "../lib/rate-limiter.ts";
import { attachConnectionLimits, type EngineServer } from "./connection-limits.ts";

/** Just enough of engine.io: its "connection" event and sockets that can be closed. */
class FakeEngine extends EventEmitter {
  use() {}
  open(ip: string) {
    const socket = Object.assign(new EventEmitter(), {
      request: { socket: { remoteAddress: ip }, headers: {} } as unknown as IncomingMessage,
      closed: false,
      close() {
        socket.closed = true;
        socket.emit("close");
      },
    });
    this.emit("connection", socket);
    return socket;
  }
}

describe("SECURITY 39: open Socket.IO connections per IP", () => {
  it("SECURITY 39: connections that got past the handshake check together are closed beyond the limit, and closing frees a place", () => {
    const engine = new FakeEngine();
    const limits = attachConnectionLimits(engine as unknown as EngineServer, memoryLimiterStore(), {
      SOCKET_CONNECTIONS_PER_IP: 2,
      SOCKET_REQUESTS_PER_MINUTE: 100,
      TRUST_PROXY_HOPS: 0,
    });
    const request = { socket: { remoteAddress: "203.0.113.9" }, headers: {} } as unknown as IncomingMessage;
    // Three handshakes all checked before any connection opened (as with racing handshakes).
    expect([limits.mayConnect(request), limits.mayConnect(request), limits.mayConnect(request)]).toEqual([true, true, true]);
    const [a, b, c] = [engine.open("203.0.113.9"), engine.open("203.0.113.9"), engine.open("203.0.113.9")];
    expect([a.closed, b.closed, c.closed]).toEqual([false, false, true]);
    expect(limits.openCount("203.0.113.9")).toBe(2);
    expect(limits.mayConnect(request)).toBe(false);
    expect(engine.open("198.51.100.9").closed).toBe(false);
    a.close();
    expect(limits.openCount("203.0.113.9")).toBe(1);
    expect(limits.mayConnect(request)).toBe(true);
  });
});
