import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { inTransaction } from "../lib/transaction.ts";
import { rooms } from "../realtime/publish.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestDatabase, usingPostgres } from "../test/db.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { freePort, hasRedisServer, PrivateRedis } from "../test/redis-server.ts";
import { connected, openSocket } from "../test/sockets.ts";
import { createMetrics } from "./metrics.ts";

const TOKEN = "scrape-token-for-the-metrics-test";
const dir = mkdtempSync(path.join(tmpdir(), "mk-metrics-"));

let t: TestApp;
let server: MarketplaceServer;
let url: string;
let metricsUrl: string;

beforeAll(async () => {
  // A built client is served, so the public port's page fallback is in play for /metrics too.
  writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Bazaar</title>");
  t = await createTestApp({
    config: {
      PORT: "0",
      METRICS_PORT: "0",
      METRICS_TOKEN: TOKEN,
      CLIENT_DIST: dir,
      DATA_DIR: dir,
      // Both sweepers run every second, so their runs show within the test.
      SWEEP_INTERVAL_SECONDS: "1",
      UPLOAD_SWEEP_INTERVAL_SECONDS: "1",
    },
  });
  server = await createServer(t.deps);
  url = await server.start();
  metricsUrl = server.metricsUrl!;
  t.deps = server.deps;
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(from = metricsUrl, token: string | null = TOKEN): Promise<string> {
  const res = await fetch(from, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample of the exposition text (labels given must match; others may be there), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Scrapes until `check` holds (a gauge read on scrape, a sweeper's next run), for at most 5 s. */
async function eventually(check: (text: string) => boolean, from = metricsUrl, token: string | null = TOKEN): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const text = await scrape(from, token);
    if (check(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const trpcGet = (procedure: string, input?: unknown) =>
  fetch(`${url}/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`);

describe("the metrics listener", () => {
  it("serves /metrics on its own port, to a scraper with the bearer token only", async () => {
    expect(new URL(metricsUrl).port).not.toBe(new URL(url).port);
    const none = await fetch(metricsUrl);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(metricsUrl, { headers: { authorization: TOKEN } })).status).toBe(401);
    const ok = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    // prom-client's process metrics, unprefixed as the usual dashboards expect them.
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect((await fetch(new URL("/other", metricsUrl), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it("is not on the public port: /metrics there is a 404, even for a browser or with the token", async () => {
    for (const headers of [{}, { accept: "text/html" }, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await fetch(`${url}/metrics`, { headers });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("marketplace_");
    }
    expect((await fetch(`${url}/account`, { headers: { accept: "text/html" } })).status).toBe(200); // pages still fall back
  });
});

describe("HTTP and tRPC", () => {
  it("times requests by method, route pattern and status, never by raw URL", async () => {
    const before = sample(await scrape(), "marketplace_http_request_duration_seconds_count", { method: "GET", route: "/healthz", status_code: "200" }) ?? 0;
    await fetch(`${url}/healthz`);
    await fetch(`${url}/healthz`);
    const probe = `/no-such-page-${Date.now()}`;
    expect((await fetch(`${url}${probe}`)).status).toBe(404);
    const text = await scrape();
    expect(sample(text, "marketplace_http_request_duration_seconds_count", { method: "GET", route: "/healthz", status_code: "200" })).toBe(before + 2);
    expect(sample(text, "marketplace_http_request_duration_seconds_count", { route: "unmatched", status_code: "404" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "marketplace_http_request_duration_seconds_bucket", { route: "/healthz", status_code: "200", le: "+Inf" })).toBe(before + 2);
    expect(text).not.toContain(probe);
  });

  it("times each procedure, and counts failing calls by procedure and tRPC code", async () => {
    expect((await trpcGet("auth.me")).status).toBe(200);
    expect((await trpcGet("order.get", { id: "someone-elses" })).status).toBe(401);
    expect((await trpcGet("catalog.product", { id: 42 })).status).toBe(400);
    expect((await trpcGet(`made.up${Date.now()}`)).status).toBe(404);
    const text = await scrape();
    expect(sample(text, "marketplace_trpc_procedure_duration_seconds_count", { procedure: "auth.me", type: "query" })).toBe(1);
    expect(sample(text, "marketplace_trpc_errors_total", { procedure: "order.get", code: "UNAUTHORIZED" })).toBe(1);
    expect(sample(text, "marketplace_trpc_errors_total", { procedure: "catalog.product", code: "BAD_REQUEST" })).toBe(1);
    // A path that names no procedure is counted under one label: clients cannot make up series.
    expect(sample(text, "marketplace_trpc_errors_total", { procedure: "unknown", code: "NOT_FOUND" })).toBe(1);
    expect(text).not.toContain("made.up");
    expect(sample(text, "marketplace_trpc_errors_total", { procedure: "auth.me" })).toBeUndefined();
    expect(sample(text, "marketplace_http_request_duration_seconds_count", { route: "/trpc/:path", status_code: "401" })).toBe(1);
  });
});

describe("real-time", () => {
  it("the connected sockets gauge follows sockets opening and closing", async () => {
    const gauge = (text: string) => sample(text, "marketplace_realtime_connected_sockets");
    const before = gauge(await scrape())!;
    const socket = openSocket(url);
    await connected(socket);
    expect(gauge(await eventually((text) => gauge(text) === before + 1))).toBe(before + 1);
    socket.close();
    expect(gauge(await eventually((text) => gauge(text) === before))).toBe(before);
  });

  it("times an event from its transaction's commit to its emit", async () => {
    const count = (text: string) => sample(text, "marketplace_realtime_event_delay_seconds_count", { event: "order.updated" }) ?? 0;
    const before = count(await scrape());
    await inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
      events.add("order.updated", [rooms.user("someone")], { orderId: "o-metrics", sellerOrderId: "s", status: "PAID" });
    });
    const text = await scrape();
    expect(count(text)).toBe(before + 1);
    expect(sample(text, "marketplace_realtime_event_delay_seconds_sum", { event: "order.updated" })).toBeLessThan(1);
  });
});

describe("database and sweepers", () => {
  it.runIf(usingPostgres)("reports the PostgreSQL pool: connections in use and idle, waiting requests, its size", async () => {
    const text = await scrape();
    const inUse = sample(text, "marketplace_db_pool_connections", { state: "in_use" });
    const idle = sample(text, "marketplace_db_pool_connections", { state: "idle" });
    expect(inUse).toBeGreaterThanOrEqual(0);
    expect(inUse! + idle!).toBeGreaterThan(0); // the test has used the pool
    expect(sample(text, "marketplace_db_pool_waiting_requests")).toBe(0);
    expect(sample(text, "marketplace_db_pool_max_connections")).toBe(20); // the test databases' pool size
  });

  it.skipIf(usingPostgres)("has no pool to report on the embedded database", async () => {
    const text = await scrape();
    expect(sample(text, "marketplace_db_pool_connections")).toBeUndefined();
    expect(sample(text, "marketplace_db_pool_max_connections")).toBe(0);
  });

  it("counts sweeper runs by sweeper and outcome, and the expired orders they cancel", async () => {
    const db = t.database.prisma;
    const shop = await makeShop(db, (await t.createUser({ role: "SELLER" })).id);
    const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ priceCents: 500, stock: 5 }] });
    const buyer = await t.signIn((await t.createUser()).email);
    await buyer.caller.cart.add({ variantId: product.variants[0]!.id, quantity: 1 });
    const address = { name: "Bea Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "us" };
    const { orderId } = await buyer.caller.checkout.placeOrder({ idempotencyKey: `metrics-${Date.now()}`, shippingAddress: address });
    const before = sample(await scrape(), "marketplace_orders_swept_total")!;
    await db.order.update({ where: { id: orderId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const text = await eventually(
      (s) =>
        sample(s, "marketplace_orders_swept_total")! > before &&
        (sample(s, "marketplace_sweeper_runs_total", { sweeper: "unused_uploads", outcome: "ok" }) ?? 0) > 0,
    );
    expect(sample(text, "marketplace_orders_swept_total")).toBe(before + 1);
    expect(sample(text, "marketplace_sweeper_runs_total", { sweeper: "expired_orders", outcome: "ok" })).toBeGreaterThan(0);
    expect(sample(text, "marketplace_sweeper_runs_total", { sweeper: "unused_uploads", outcome: "ok" })).toBeGreaterThan(0);
    expect(sample(text, "marketplace_sweeper_runs_total", { outcome: "error" })).toBeUndefined();
    expect(sample(text, "marketplace_uploads_swept_total")).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("CANCELLED");
  });

  it("has the transaction counters, at zero in a quiet test", async () => {
    const text = await scrape();
    expect(sample(text, "marketplace_transaction_conflict_retries_total")).toBe(0);
    expect(sample(text, "marketplace_transaction_start_timeouts_total")).toBe(0);
  });
});

describe.skipIf(!hasRedisServer)("with Redis", () => {
  it("reports the real-time Redis connection up, down while Redis is away, up again; closing the server closes the listener", async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    // A replica of its own (its own registry and database, which stop() closes), without a token.
    const config = loadConfig({ NODE_ENV: "test", PORT: "0", METRICS_PORT: "0", METRICS_HOST: "127.0.0.1", REDIS_URL: redis.url });
    const replica = await createServer({ ...t.deps, config, database: await createTestDatabase(), metrics: createMetrics() });
    try {
      await replica.start();
      const at = replica.metricsUrl!;
      const up = (text: string) => sample(text, "marketplace_redis_up", { connection: "realtime" });
      expect(up(await eventually((s) => up(s) === 1, at, null))).toBe(1);
      expect(sample(await scrape(metricsUrl), "marketplace_redis_up")).toBeUndefined(); // the first server has no Redis
      await redis.stop();
      expect(up(await eventually((s) => up(s) === 0, at, null))).toBe(0);
      await redis.start();
      expect(up(await eventually((s) => up(s) === 1, at, null))).toBe(1);
      await replica.stop();
      await expect(fetch(at)).rejects.toThrow();
    } finally {
      await replica.stop();
      await redis.stop();
    }
  }, 30_000);
});
