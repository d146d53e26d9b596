import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, brotliDecompressSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { makeCategory } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";

const BIG_SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => `word${i}`))};`;
const PRECOMPRESSED_BR = brotliCompressSync(BIG_SCRIPT);

let t: TestApp;
let server: MarketplaceServer;
const dist = mkdtempSync(path.join(tmpdir(), "mk-dist-"));

beforeAll(async () => {
  mkdirSync(path.join(dist, "assets"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Bazaar</title><div id=app></div>");
  writeFileSync(path.join(dist, "assets", "index-abc123.js"), "console.log('app')");
  writeFileSync(path.join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  // What the build writes beside a large file (client/vite.config.ts): its .br and .gz.
  writeFileSync(path.join(dist, "assets", "vendor-def456.js"), BIG_SCRIPT);
  writeFileSync(path.join(dist, "assets", "vendor-def456.js.br"), PRECOMPRESSED_BR);
  writeFileSync(path.join(dist, "assets", "vendor-def456.js.gz"), gzipSync(BIG_SCRIPT));
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

  it("sends the build's own .br or .gz of a file as it is, by Accept-Encoding, with Vary", async () => {
    const br = await server.app.inject({ url: "/assets/vendor-def456.js", headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["vary"]).toMatch(/accept-encoding/i);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    // The very bytes the build made (not compressed again on the fly).
    expect(br.rawPayload.equals(PRECOMPRESSED_BR)).toBe(true);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(BIG_SCRIPT);

    const gz = await server.app.inject({ url: "/assets/vendor-def456.js", headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");

    const plain = await server.app.inject({ url: "/assets/vendor-def456.js", headers: { "accept-encoding": "identity" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(BIG_SCRIPT);
  });

  it("compresses API answers above 1 KiB and leaves small ones alone", async () => {
    for (let i = 0; i < 30; i++) await makeCategory(t.database.prisma);
    const big = await server.app.inject({ url: "/trpc/catalog.categories", headers: { "accept-encoding": "br" } });
    expect(big.headers["content-encoding"]).toBe("br");
    expect(big.headers["vary"]).toMatch(/accept-encoding/i);
    const json = JSON.parse(brotliDecompressSync(big.rawPayload).toString());
    expect(json.result.data.json.length).toBeGreaterThanOrEqual(30);

    const small = await server.app.inject({ url: "/healthz", headers: { "accept-encoding": "br" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.json()).toEqual({ status: "ok" });
  });
});
