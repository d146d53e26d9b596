import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";

let t: TestApp;
let server: MarketplaceServer;
const dist = mkdtempSync(path.join(tmpdir(), "mk-dist-"));

beforeAll(async () => {
  mkdirSync(path.join(dist, "assets"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Bazaar</title><div id=app></div>");
  writeFileSync(path.join(dist, "assets", "index-abc123.js"), "console.log('app')");
  writeFileSync(path.join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  t = await createTestApp();
  server = await createServer({ ...t.deps, config: loadConfig({ NODE_ENV: "test", CLIENT_DIST: dist }) });
  await server.app.ready();
});
afterAll(async () => {
  await server.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe("the built client", () => {
  it("is served at / with no caching of index.html", async () => {
    const res = await server.app.inject({ url: "/", headers: { accept: "text/html" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body).toContain("<title>Bazaar</title>");
  });

  it("serves hashed assets with a year-long immutable cache", async () => {
    const res = await server.app.inject("/assets/index-abc123.js");
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("falls back to index.html for deep links (history mode)", async () => {
    const res = await server.app.inject({ url: "/admin/users?q=x", headers: { accept: "text/html,application/xhtml+xml" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<div id=app>");
  });

  it("does not fall back for API paths, missing files or non-HTML requests", async () => {
    expect((await server.app.inject({ url: "/trpc/nope", headers: { accept: "text/html" } })).statusCode).toBe(404);
    expect((await server.app.inject({ url: "/assets/missing.js", headers: { accept: "text/html" } })).statusCode).toBe(404);
    expect((await server.app.inject({ url: "/account", headers: { accept: "application/json" } })).statusCode).toBe(404);
  });
});
