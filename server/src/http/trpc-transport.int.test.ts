import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createServer, MAX_BATCH_SIZE, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { appRouter, type AppRouter } from "../trpc/root.ts";

let t: TestApp;
let server: MarketplaceServer;
let url: string;

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0" } });
  server = await createServer(t.deps);
  url = await server.start();
});
afterAll(async () => {
  await server.stop();
});

describe("SECURITY 25: tRPC batches over real HTTP", () => {
  it("SECURITY 25: a full batch of 10 GET queries is one request that answers 200, not 414", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const requests: { method: string; url: string; status: number }[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${url}/trpc`,
          transformer: superjson,
          maxItems: MAX_BATCH_SIZE,
          headers: { cookie: `session=${token}` },
          async fetch(input, init) {
            const res = await fetch(input, init);
            requests.push({ method: init?.method ?? "GET", url: String(input), status: res.status });
            return res;
          },
        }),
      ],
    });
    const answers = await Promise.all([
      client.auth.me.query(),
      client.cart.get.query(),
      client.account.sessions.query(),
      client.catalog.categories.query(),
      client.catalog.newest.query({}),
      client.catalog.search.query({}),
      client.order.list.query({}),
      client.shop.mine.query(),
      client.catalog.categories.query(),
      client.account.sessions.query(),
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "GET", status: 200 });
    expect(new URL(requests[0]!.url).pathname.length).toBeGreaterThan(100);
    expect(answers[0]?.id).toBe(user.id);
    expect(answers).toHaveLength(10);
  });

  it("SECURITY 25: the longest possible batch path (10 × the longest procedure) reaches tRPC, never 414", async () => {
    const longest = Object.keys(appRouter._def.procedures).reduce((a, b) => (b.length > a.length ? b : a));
    const path = Array.from({ length: MAX_BATCH_SIZE }, () => longest).join(",");
    const res = await fetch(`${url}/trpc/${path}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(res.status).not.toBe(414);
    expect(res.headers.get("content-type")).toMatch(/json/);
    // One more call than the batch limit is still refused by tRPC itself.
    const tooMany = await fetch(`${url}/trpc/${Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "auth.me").join(",")}?batch=1&input=%7B%7D`);
    expect(tooMany.status).toBe(400);
  });
});

describe("SECURITY 32: the retry time over HTTP", () => {
  it("SECURITY 32: a login refused by its limit answers 429 with Retry-After the real rest of the window (minutes, not 1 s)", async () => {
    const user = await t.createUser();
    const body = JSON.stringify({ json: { email: user.email, password: "wrong-password" } });
    const attempt = () => fetch(`${url}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(14 * 60);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    const answer = (await refused.json()) as { error: { json: { message: string; data: { details: { retryAfterSeconds: number } } } } };
    expect(answer.error.json.data.details.retryAfterSeconds).toBe(seconds);
    expect(answer.error.json.message).toBe("Too many attempts. Try again in 15 min.");
  });
});

/** A POST of a raw body to a procedure, as a hostile client would send it. */
async function post(path: string, body: string) {
  const res = await fetch(`${url}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, body: (await res.json()) as { error: { json: { message: string; data: Record<string, unknown> } } } };
}

const credentials = `"json":{"email":"a@example.test","password":"not-the-password"}`;
let deep = "1";
for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;

describe("SECURITY 38: a request the parser cannot read gets a plain 400, never the parser's internals", () => {
  const cases = [
    { name: "a deeply nested superjson meta (stack overflow)", body: `{${credentials},"meta":{"values":{"email":${deep}}}}` },
    { name: "a superjson meta naming an unknown class", body: `{${credentials},"meta":{"values":{"email":[["class","EvilClass"]]}}}` },
    { name: "a superjson meta naming an unknown custom type", body: `{${credentials},"meta":{"values":{"email":[["custom","EvilType"]]}}}` },
    { name: "a superjson meta with a URL-ish value", body: `{${credentials},"meta":{"values":{"email":"https://evil.example/x"}}}` },
    { name: "a superjson meta with an unknown transformation", body: `{${credentials},"meta":{"values":{"email":["nope"]}}}` },
    { name: "a referential equality through __proto__", body: `{${credentials},"meta":{"referentialEqualities":{"email":["__proto__.x"]}}}` },
  ];

  it.each(cases)("SECURITY 38: $name → 400 Invalid input", async ({ body }) => {
    const res = await post("auth.login", body);
    expect(res.status).toBe(400);
    expect(res.body.error.json.message).toBe("Invalid input");
    expect(res.body.error.json.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400, fieldErrors: null, formErrors: null, details: null });
    expect(JSON.stringify(res.body)).not.toMatch(/call stack|superjson|github|EvilClass|EvilType|transformation|__proto__|stack/i);
  });

  it("SECURITY 38: a POST body that is not JSON → 400 Malformed request", async () => {
    const res = await post("auth.login", `{"json":{"email":`);
    expect(res.status).toBe(400);
    expect(res.body.error.json.message).toBe("Malformed request");
    expect(JSON.stringify(res.body)).not.toMatch(/JSON input|Unexpected/);
  });

  it("SECURITY 38: a GET whose input is not JSON → 400 Malformed request", async () => {
    const res = await fetch(`${url}/trpc/catalog.newest?input=${encodeURIComponent('{"json":')}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { json: { message: string; data: { code: string } } } };
    expect(body.error.json.message).toBe("Malformed request");
    expect(body.error.json.data.code).toBe("BAD_REQUEST");
  });

  it("SECURITY 38: zod's own messages still reach the form (only parser internals are hidden)", async () => {
    const res = await post("auth.login", `{"json":{"email":"not-an-email","password":"x"}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.json.message).toBe("Invalid input");
    expect(res.body.error.json.data.fieldErrors).toHaveProperty("email");
  });
});

describe("SECURITY 39: floods of the readiness probe", () => {
  it("SECURITY 39: 50 /readyz calls within a second cost at most 2 database pings, and the answer (ready or not) is reused", async () => {
    // A server of its own, so the cache starts empty and the pings counted are this test's; its
    // cache reads a clock the test moves, so a second passes without waiting for it.
    let now = Date.now();
    const own = await createServer({ ...t.deps, config: { ...t.deps.config, PORT: 0 } }, { now: () => now });
    const ownUrl = await own.start();
    const ping = vi.spyOn(t.deps.database, "ping");
    try {
      const first = await Promise.all(Array.from({ length: 25 }, () => fetch(`${ownUrl}/readyz`)));
      const second = [];
      for (let i = 0; i < 25; i++) second.push(await fetch(`${ownUrl}/readyz`));
      expect([...first, ...second].map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(ping.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(ping.mock.calls.length).toBeLessThanOrEqual(2);

      // Unavailable is cached as well: a failing database is not pinged by every probe.
      now += 1_001;
      ping.mockClear();
      ping.mockRejectedValue(new Error("database down"));
      const down = await Promise.all(Array.from({ length: 50 }, () => fetch(`${ownUrl}/readyz`)));
      expect(down.map((r) => r.status)).toEqual(Array(50).fill(503));
      expect(ping.mock.calls.length).toBeLessThanOrEqual(2);

      // After the second, the probe asks the database again.
      ping.mockRestore();
      now += 1_001;
      expect((await fetch(`${ownUrl}/readyz`)).status).toBe(200);
    } finally {
      ping.mockRestore();
      await own.realtime.close();
      await own.app.close();
    }
  });
});
