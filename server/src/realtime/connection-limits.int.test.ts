import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { describeEachLimiterStore, type MadeStore } from "../test/limiter-stores.ts";
import { until } from "../test/until.ts";

/**
 * SECURITY 39: Socket.IO answers on the raw HTTP server, out of Fastify's request limit; one IP
 * opened 3,000 sockets and sent 700 polls in 1.8 s. Each server here has small limits of its own
 * and (with TRUST_PROXY_HOPS=1) takes the client IP from X-Forwarded-For, so one test process can
 * act as several addresses.
 */
describeEachLimiterStore("SECURITY 39: Socket.IO connections and handshakes are limited per IP (%s)", (storeName, makeStore) => {
  let t: TestApp;
  const stores: MadeStore[] = [];
  const servers: MarketplaceServer[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    for (const s of servers) {
      await s.realtime.close();
      await s.app.close();
    }
    await Promise.all(stores.map((s) => s.close()));
    await t.close();
  });

  /** A server on a free port with these limits and a limiter store of its own. */
  async function serverWith(env: Record<string, string>) {
    const made = await makeStore();
    stores.push(made);
    const config = loadConfig({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "silent", TRUST_PROXY_HOPS: "1", ...env });
    const server = await createServer({ ...t.deps, config, limits: made.store });
    servers.push(server);
    return { server, url: await server.start(), made };
  }

  /** A WebSocket client that says it comes from `ip` (through the one trusted proxy). */
  function socketFrom(url: string, ip: string): Socket {
    const s = connect(url, {
      path: "/socket.io",
      transports: ["websocket"],
      extraHeaders: { origin: url, "x-forwarded-for": ip },
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
    });
    sockets.push(s);
    return s;
  }

  /**
   * Resolves "connected" or "refused" once the socket's fate is known. A socket the server closes
   * as its connection opens (beyond the limit, by racing handshakes) may lose its transport before
   * Socket.IO's own CONNECT: the client then sees a "disconnect", not a "connect_error".
   */
  function fate(s: Socket): Promise<"connected" | "refused"> {
    return new Promise((resolve) => {
      s.once("connect", () => resolve("connected"));
      s.once("connect_error", () => resolve("refused"));
      s.once("disconnect", () => resolve("refused"));
    });
  }

  /** Resolves once `s` was closed by the server, or answered a request (so the server kept it). */
  function keptOrClosed(s: Socket): Promise<unknown> {
    return Promise.race([
      new Promise((resolve) => s.once("disconnect", resolve)),
      s.emitWithAck("product.unwatch", { productId: "0198f1c2-0000-7000-8000-000000000000" }),
    ]);
  }

  /** An engine.io polling request, as a script (not a browser) would send it. */
  function poll(url: string, ip: string, init: { sid?: string; body?: string } = {}) {
    const query = `EIO=4&transport=polling${init.sid ? `&sid=${init.sid}` : ""}`;
    return fetch(`${url}/socket.io/?${query}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: { "x-forwarded-for": ip, "content-type": "text/plain;charset=UTF-8" },
      body: init.body,
    });
  }

  it("SECURITY 39: 12 concurrent handshakes from one IP leave exactly its limit of 3 sockets open, the next is refused; another IP is not", async () => {
    const { server, url } = await serverWith({ SOCKET_CONNECTIONS_PER_IP: "3" });
    const attacker = Array.from({ length: 12 }, () => socketFrom(url, "203.0.113.1"));
    await Promise.all(attacker.map(fate));
    // One opened beyond the limit by racing handshakes is closed as it opens, though its client may
    // have seen "connect" first. Each still open then either hears its disconnect or answers a
    // request (one the server would answer only on a socket it kept): every client knows its fate.
    await Promise.all(attacker.filter((s) => s.connected).map(keptOrClosed));
    expect(attacker.filter((s) => s.connected)).toHaveLength(3);
    expect(server.realtime.connectionLimits.openCount("203.0.113.1")).toBe(3);
    expect(await fate(socketFrom(url, "203.0.113.1"))).toBe("refused");

    // Another address is not affected.
    const neighbour = socketFrom(url, "203.0.113.2");
    expect(await fate(neighbour)).toBe("connected");

    // A closed socket frees its place.
    attacker.find((s) => s.connected)!.close();
    await until(() => server.realtime.connectionLimits.openCount("203.0.113.1") === 2, "the closed socket's place to be freed");
    expect(await fate(socketFrom(url, "203.0.113.1"))).toBe("connected");
  });

  it("SECURITY 39: handshakes and polling requests beyond the per-minute budget get 429 with the real retry time; another IP does not", async () => {
    const { url, made } = await serverWith({ SOCKET_REQUESTS_PER_MINUTE: "20" });
    const handshakes = await Promise.all(Array.from({ length: 30 }, () => poll(url, "198.51.100.1")));
    expect(handshakes.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = handshakes.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(50);
    expect((await poll(url, "198.51.100.2")).status).toBe(200);
    if (storeName === "on Redis") expect(await made.redisKeys()).toContainEqual(expect.stringMatching(/rl:socket:requests:198\.51\.100\.1$/));

    // Requests of an open polling session count too, not only handshakes.
    const open = await poll(url, "198.51.100.3");
    const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await poll(url, "198.51.100.3", { sid, body: "40" })).status);
    expect(statuses.slice(0, 19).every((s) => s === 200 || s === 400)).toBe(true);
    expect(statuses.slice(19)).toEqual(Array(6).fill(429));
  });

  it("SECURITY 39: without a trusted proxy, X-Forwarded-For cannot make one client look like many", async () => {
    const { url } = await serverWith({ TRUST_PROXY_HOPS: "0", SOCKET_REQUESTS_PER_MINUTE: "5" });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await poll(url, `192.0.2.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
