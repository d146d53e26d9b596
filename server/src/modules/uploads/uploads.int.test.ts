import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { sniffImageType } from "./image-store.ts";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 "), Buffer.alloc(32, 3)]);

let t: TestApp;
let server: MarketplaceServer;
const dataDir = mkdtempSync(path.join(tmpdir(), "mk-uploads-"));
let ownerCookie: string;
let buyerCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  server = await createServer({ ...t.deps, config: loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir }) });
  await server.app.ready();
  const owner = await t.createUser();
  await makeShop(t.database.prisma, owner.id);
  ownerCookie = `session=${(await t.signIn(owner.email)).token}`;
  const buyer = await t.createUser();
  buyerCookie = `session=${(await t.signIn(buyer.email)).token}`;
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function upload(bytes: Buffer, opts: { cookie?: string; filename?: string; type?: string; origin?: string } = {}) {
  const boundary = "----bazaar-test-boundary";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename ?? "photo.png"}"\r\nContent-Type: ${opts.type ?? "image/png"}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return server.app.inject({
    method: "POST",
    url: "/uploads",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.origin ? { origin: opts.origin } : {}),
    },
    payload: body,
  });
}

describe("SECURITY 28: image uploads", () => {
  it("stores a shop owner's PNG, JPEG and WebP under generated names and serves them with their type and nosniff", async () => {
    for (const [bytes, type, ext] of [[PNG, "image/png", "png"], [JPEG, "image/jpeg", "jpg"], [WEBP, "image/webp", "webp"]] as const) {
      const res = await upload(bytes, { cookie: ownerCookie, filename: "../../etc/passwd.png" });
      expect(res.statusCode).toBe(201);
      const { url } = res.json() as { url: string };
      expect(url).toMatch(new RegExp(`^/uploads/[a-f0-9]{32}\\.${ext}$`));
      const served = await server.app.inject(url);
      expect(served.statusCode).toBe(200);
      expect(served.headers["content-type"]).toBe(type);
      expect(served.headers["x-content-type-options"]).toBe("nosniff");
      expect(served.headers["cache-control"]).toContain("immutable");
      expect(served.rawPayload.equals(bytes)).toBe(true);
    }
  });

  it("checks the type by content: HTML or text named .png is refused", async () => {
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    expect((await upload(html, { cookie: ownerCookie, filename: "x.png", type: "image/png" })).statusCode).toBe(415);
    const gif = Buffer.from("GIF89a........");
    expect((await upload(gif, { cookie: ownerCookie, filename: "x.gif", type: "image/gif" })).statusCode).toBe(415);
  });

  it("limits the size to 5 MB", async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    expect((await upload(big, { cookie: ownerCookie })).statusCode).toBe(413);
  });

  it("is for signed-in shop owners only, from our own origin", async () => {
    expect((await upload(PNG)).statusCode).toBe(401);
    expect((await upload(PNG, { cookie: buyerCookie })).statusCode).toBe(403);
    expect((await upload(PNG, { cookie: ownerCookie, origin: "https://evil.example" })).statusCode).toBe(403);
  });

  it("serves only generated names: traversal and unknown names are 404", async () => {
    for (const url of ["/uploads/..%2F..%2Fetc%2Fpasswd", "/uploads/abc.png", `/uploads/${"a".repeat(32)}.png`, `/uploads/${"a".repeat(32)}.svg`]) {
      expect((await server.app.inject(url)).statusCode, url).toBe(404);
    }
  });

  it("sniffs types from magic numbers", () => {
    expect(sniffImageType(PNG)).toBe("png");
    expect(sniffImageType(JPEG)).toBe("jpg");
    expect(sniffImageType(WEBP)).toBe("webp");
    expect(sniffImageType(Buffer.from("hello"))).toBeNull();
  });
});
