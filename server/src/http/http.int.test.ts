import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../test/harness.ts";
import { loadConfig } from "../config.ts";

let t: TestApp;
let server: MarketplaceServer;

beforeAll(async () => {
  t = await createTestApp({ config: { CORS_ORIGINS: "https://partner.example" } });
  server = await createServer(t.deps);
  await server.app.ready();
});
afterAll(async () => {
  await server.app.close();
  await t.close();
});

const json = (body: unknown) => ({ "content-type": "application/json", payload: JSON.stringify(body) });

async function login(email: string, password = TEST_PASSWORD) {
  const { "content-type": ct, payload } = json({ json: { email, password } });
  return server.app.inject({ method: "POST", url: "/trpc/auth.login", headers: { "content-type": ct }, payload });
}

describe("health", () => {
  it("GET /healthz is ok and /readyz is ready while the database answers", async () => {
    expect((await server.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await server.app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
  });
});

describe("SECURITY 6: the session cookie", () => {
  it("is httpOnly and SameSite=Lax, without Secure outside production", async () => {
    const user = await t.createUser();
    const res = await login(user.email);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^session=[\w-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
  });

  it("is __Host- prefixed and Secure in production, with no Domain", async () => {
    const prod = await createServer({ ...t.deps, config: loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off", LOG_LEVEL: "silent" }) });
    try {
      const user = await t.createUser();
      const res = await prod.app.inject({
        method: "POST",
        url: "/trpc/auth.login",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ json: { email: user.email, password: TEST_PASSWORD } }),
      });
      const cookie = String(res.headers["set-cookie"]);
      expect(cookie).toMatch(/^__Host-session=/);
      expect(cookie).toContain("Secure");
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Lax");
      expect(cookie).toContain("Path=/");
      expect(cookie).not.toMatch(/Domain=/i);
      expect(res.headers["strict-transport-security"]).toBeDefined();
    } finally {
      await prod.app.close();
    }
  });

  it("is cleared at logout, and the old cookie then reads as signed out", async () => {
    const user = await t.createUser();
    const res = await login(user.email);
    const token = /session=([^;]+)/.exec(String(res.headers["set-cookie"]))![1]!;
    const out = await server.app.inject({
      method: "POST",
      url: "/trpc/auth.logout",
      headers: { "content-type": "application/json", cookie: `session=${token}` },
      payload: "{}",
    });
    expect(String(out.headers["set-cookie"])).toMatch(/session=;/);
    const me = await server.app.inject({ url: "/trpc/auth.me", headers: { cookie: `session=${token}` } });
    expect(me.json().result.data.json).toBeNull();
  });
});

describe("SECURITY 9: role guards", () => {
  it("a buyer calling admin procedures gets FORBIDDEN; anonymous gets UNAUTHORIZED", async () => {
    const buyer = await t.createUser();
    const { caller } = await t.signIn(buyer.email);
    await expect(caller.admin.users.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.admin.users.ban({ id: buyer.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(caller.admin.users.setRole({ id: buyer.id, role: "ADMIN" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const seller = await t.createUser({ role: "SELLER" });
    await expect((await t.signIn(seller.email)).caller.admin.users.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await t.anon()).admin.users.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const res = await server.app.inject({ url: "/trpc/admin.users.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })) });
    expect(res.statusCode).toBe(401);
  });
});

describe("SECURITY 25: transport", () => {
  it("sends security headers", async () => {
    const res = await server.app.inject("/healthz");
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toContain("default-src 'self'");
    // With the test payment provider nothing outside the site may run, frame or be called.
    const directives = csp.split(";").map((d) => d.trim());
    expect(directives).toContain("script-src 'self'");
    expect(directives).toContain("frame-src 'none'");
    expect(directives).toContain("connect-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
  });

  it("sends a procedure's JSON answer the headers that act on data: nothing may load with it, frame it or sniff it", async () => {
    for (const url of ["/trpc/auth.me", "/trpc/no.such.procedure", `/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`]) {
      const res = await server.app.inject(url);
      expect(res.headers["content-type"], url).toMatch(/^application\/json/);
      expect(res.headers, url).toMatchObject({
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "cross-origin-resource-policy": "same-origin",
        "referrer-policy": "no-referrer",
      });
      // What acts only on a document a browser renders is left off (a page has it: above).
      for (const name of ["cross-origin-opener-policy", "origin-agent-cluster", "x-dns-prefetch-control", "x-download-options", "x-permitted-cross-domain-policies", "x-xss-protection"]) {
        expect(res.headers[name], `${url} ${name}`).toBeUndefined();
      }
    }
    // Its mutations' answers and refusals too.
    const refused = await server.app.inject({ method: "POST", url: "/trpc/auth.logout", headers: { "content-type": "text/plain" }, payload: "{}" });
    expect(refused.statusCode).toBe(415);
    expect(refused.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("allows CORS only for configured origins", async () => {
    const ok = await server.app.inject({ url: "/trpc/auth.me", headers: { origin: "https://partner.example" } });
    expect(ok.headers["access-control-allow-origin"]).toBe("https://partner.example");
    expect(ok.headers["access-control-allow-credentials"]).toBe("true");
    const evil = await server.app.inject({ url: "/trpc/auth.me", headers: { origin: "https://evil.example" } });
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    const res = await server.app.inject({
      method: "POST",
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ json: { email: "a@example.test", password: "x".repeat(1024 * 1024) } }),
    });
    expect(res.statusCode).toBe(413);
  });

  it("limits a batch to 10 calls", async () => {
    const paths = (n: number) => Array.from({ length: n }, () => "auth.me").join(",");
    const ok = await server.app.inject(`/trpc/${paths(10)}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(ok.statusCode).toBe(200);
    const tooMany = await server.app.inject(`/trpc/${paths(11)}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(tooMany.statusCode).toBe(400);
  });

  it("runs mutations only by POST, and only with a JSON body (no cross-site form posts)", async () => {
    const get = await server.app.inject(`/trpc/auth.logout`);
    expect(get.statusCode).toBe(405);
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
      const res = await server.app.inject({ method: "POST", url: "/trpc/auth.logout", headers: { "content-type": type }, payload: "{}" });
      expect(res.statusCode, type).toBe(415);
    }
  });

  it("answers unknown routes with 404 JSON", async () => {
    const res = await server.app.inject("/trpc-nope");
    expect(res.statusCode).toBe(404);
  });

  it("gives each client IP (an IPv6 client's /64) RATE_LIMIT_PER_MINUTE requests a minute, then 429 with the real rest of the window", async () => {
    const limited = await createServer({ ...t.deps, config: { ...t.deps.config, RATE_LIMIT_PER_MINUTE: 3 } });
    try {
      const from = (remoteAddress: string, url = "/trpc/auth.me") => limited.app.inject({ url, remoteAddress });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await from("203.0.113.7"));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(answers.map((r) => r.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
      for (const r of answers) expect(r.headers["x-ratelimit-limit"]).toBe("3");
      const refused = answers[3]!;
      const retryAfter = Number(refused.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThanOrEqual(59);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers["x-ratelimit-reset"]).toBe(String(retryAfter));
      expect(refused.json()).toMatchObject({ statusCode: 429, error: "Too Many Requests" });
      // Refused before anything else runs, and with the security headers all the same.
      expect(refused.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
      // Every path is counted (a 404 too), except the health probes.
      expect((await from("203.0.113.7", "/nowhere")).statusCode).toBe(429);
      expect((await from("203.0.113.7", "/healthz")).statusCode).toBe(200);
      expect((await from("203.0.113.7", "/readyz")).statusCode).toBe(200);
      // Another IP has its own budget; IPv6 addresses of one /64 share one.
      expect((await from("203.0.113.8")).statusCode).toBe(200);
      const sameNetwork = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:2::4"];
      const v6 = [];
      for (const ip of sameNetwork) v6.push((await from(ip)).statusCode);
      expect(v6).toEqual([200, 200, 200, 429]);
      expect((await from("2001:db8:1:3::1")).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });
});

/** A login on a server whose users table is gone: an internal error. */
async function loginOnBrokenDatabase(config?: Record<string, string>) {
  const broken = await createTestApp({ config });
  const app = await createServer(broken.deps);
  await broken.database.prisma.$executeRawUnsafe(`ALTER TABLE "users" RENAME TO "users_gone"`);
  const res = await app.app.inject({
    method: "POST",
    url: "/trpc/auth.login",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ json: { email: "a@example.test", password: "whatever-password" } }),
  });
  return { res, close: async () => (await app.app.close(), await broken.close()) };
}

describe("SECURITY 26: database errors", () => {
  it("become a generic INTERNAL_SERVER_ERROR with no stack, SQL or paths", async () => {
    const { res, close } = await loginOnBrokenDatabase();
    try {
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(body.error.json.message).toBe("Internal server error");
      expect(body.error.json.data.code).toBe("INTERNAL_SERVER_ERROR");
      expect(body.error.json.data.stack).toBeUndefined();
      expect(res.body).not.toMatch(/users|SELECT|\.ts|\/work|prisma/i);
    } finally {
      await close();
    }
  });

  it("keep their message and stack for a server configured NODE_ENV=development (its config decides, not the process's environment)", async () => {
    const { res, close } = await loginOnBrokenDatabase({ NODE_ENV: "development" });
    try {
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(body.error.json.message).not.toBe("Internal server error");
      expect(body.error.json.data.stack).toMatch(/\n\s+at /);
    } finally {
      await close();
    }
  });
});

describe("bad input", () => {
  it("gets BAD_REQUEST with zod field errors", async () => {
    const res = await server.app.inject({
      method: "POST",
      url: "/trpc/auth.register",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ json: { email: "nope", password: "short", name: "" } }),
    });
    expect(res.statusCode).toBe(400);
    const data = res.json().error.json.data;
    expect(data.code).toBe("BAD_REQUEST");
    expect(Object.keys(data.fieldErrors).sort()).toEqual(["email", "name", "password"]);
  });
});

describe("procedure answers", () => {
  it("go whole, with their length: a small one as it is, a large one compressed in one piece", async () => {
    const small = await server.app.inject({ url: "/trpc/auth.me", headers: { "accept-encoding": "br, gzip" } });
    expect(small.statusCode).toBe(200);
    expect(small.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(small.headers["content-length"])).toBe(small.rawPayload.length);
    // Under the compressor's 1 KiB threshold: not compressed.
    expect(small.headers["content-encoding"]).toBeUndefined();

    const input = encodeURIComponent(JSON.stringify({ json: { limit: 24 } }));
    const page = await server.app.inject({ url: `/trpc/catalog.search?input=${input}`, headers: { "accept-encoding": "gzip" } });
    expect(page.statusCode).toBe(200);
    expect(page.headers["transfer-encoding"]).toBeUndefined();
    if (page.headers["content-encoding"]) expect(Number(page.headers["content-length"])).toBe(page.rawPayload.length);
  });

  it("keep their status, and the cookies a procedure sets", async () => {
    const user = await t.createUser();
    const res = await login(user.email);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers["set-cookie"])).toMatch(/session=/);
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    const bad = await login(user.email, "not-the-password");
    expect(bad.statusCode).toBe(401);
    expect(bad.headers["content-type"]).toMatch(/application\/json/);
  });
});
