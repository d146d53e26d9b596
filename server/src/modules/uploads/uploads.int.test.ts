import { readdirSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../config.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";
import { usingPostgres } from "../../test/db.ts";
import { tryStartFakeS3 } from "../../test/fake-s3.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { SERVE_CHUNK_BYTES } from "./database-image-store.ts";
import { DiskImageStore, sniffImageType } from "./image-store.ts";
import { startUploadSweeper, sweepOrphanedImages, sweepUnreferencedUploads } from "./upload-sweeper.ts";
import { holdNewUploads } from "./uploads.service.ts";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 "), Buffer.alloc(32, 3)]);

/** A PNG of about `kb` KiB, its bytes varying so that a piece served twice or out of order shows. */
const pngOf = (kb: number) => Buffer.concat([PNG, Buffer.from(Array.from({ length: kb * 1024 }, (_, i) => (i * 31 + (i >> 10)) & 0xff))]);
const nameOf = (url: string) => url.replace("/uploads/", "");

it("sniffs types from magic numbers", () => {
  expect(sniffImageType(PNG)).toBe("png");
  expect(sniffImageType(JPEG)).toBe("jpg");
  expect(sniffImageType(WEBP)).toBe("webp");
  expect(sniffImageType(Buffer.from("hello"))).toBeNull();
});

/** The S3 store runs against s3rver; where it cannot start, its suite is skipped (and says why). */
const s3 = await tryStartFakeS3();
afterAll(() => s3?.stop());

const ALL_STORES = ["disk", "database", "s3"] as const;
type StoreKind = (typeof ALL_STORES)[number];
/**
 * The embedded database is one process, whose default store is the disk; the shared stores are
 * for replicas on PostgreSQL, so the PGlite pass checks the disk store only.
 */
const STORES: readonly StoreKind[] = usingPostgres ? ALL_STORES : ["disk"];

for (const kind of STORES) {
  describe.skipIf(kind === "s3" && !s3)(`UPLOAD_STORE=${kind}`, () => uploadsSuite(kind));
}

/** Every behaviour of uploads, against one store: the same answers whichever keeps the bytes. */
function uploadsSuite(kind: StoreKind) {
  let t: TestApp;
  let server: MarketplaceServer;
  const dataDir = mkdtempSync(path.join(tmpdir(), "mk-uploads-"));
  let bucket = "";
  let ownerCookie: string;
  let buyerCookie: string;

  /** The names of the images the store holds, read from the store itself. */
  async function storedNames(): Promise<string[]> {
    if (kind === "database") return (await t.database.prisma.imageBlob.findMany({ select: { name: true } })).map((b) => b.name);
    if (kind === "s3") return s3!.keys(bucket);
    const dir = path.join(dataDir, "uploads");
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  beforeAll(async () => {
    t = await createTestApp();
    const s3Env = kind === "s3" ? await s3!.bucket() : null;
    bucket = s3Env?.name ?? "";
    // A 1 MB quota per shop, and no sweeps but the ones a test runs.
    const config = loadConfig({
      NODE_ENV: "test",
      DATA_DIR: dataDir,
      UPLOAD_QUOTA_MB: "1",
      UPLOAD_SWEEP_INTERVAL_SECONDS: "0",
      UPLOAD_STORE: kind,
      ...s3Env?.env,
    });
    expect(config.UPLOAD_STORE).toBe(kind);
    server = await createServer({ ...t.deps, config });
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

    it(`serves a larger image byte for byte${kind === "database" ? " (read in pieces)" : ""}, with the headers of every image`, async () => {
      const { cookie } = await shopOwner();
      const big = pngOf(600);
      if (kind === "database") expect(big.length).toBeGreaterThan(2 * SERVE_CHUNK_BYTES);
      const res = await upload(big, { cookie });
      expect(res.statusCode).toBe(201);
      const served = await server.app.inject((res.json() as { url: string }).url);
      expect(served.statusCode).toBe(200);
      expect(served.headers["content-length"]).toBe(String(big.length));
      expect(served.headers).toMatchObject({
        "content-type": "image/png",
        "x-content-type-options": "nosniff",
        "cache-control": "public, max-age=31536000, immutable",
        "content-security-policy": "default-src 'none'; sandbox",
      });
      expect(served.rawPayload.equals(big)).toBe(true);
      const head = await server.app.inject({ method: "HEAD", url: (res.json() as { url: string }).url });
      expect(head.statusCode).toBe(200);
      expect(head.headers["content-length"]).toBe(String(big.length));
      expect(head.rawPayload.length).toBe(0);
    });

    it("names its ETag after the image's name and answers 304 to a browser that holds it", async () => {
      const { url } = (await upload(PNG, { cookie: ownerCookie })).json() as { url: string };
      const first = await server.app.inject(url);
      const etag = first.headers.etag as string;
      expect(etag).toBe(`"${nameOf(url).slice(0, 32)}"`);
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const again = await server.app.inject({ url, headers: { "if-none-match": ifNoneMatch } });
        expect(again.statusCode, ifNoneMatch).toBe(304);
        expect(again.rawPayload.length).toBe(0);
        expect(again.headers.etag).toBe(etag);
        expect(again.headers["cache-control"]).toContain("immutable");
      }
      expect((await server.app.inject({ url, headers: { "if-none-match": '"other"' } })).statusCode).toBe(200);
      // An unknown image is 404 whatever tag the browser holds.
      expect((await server.app.inject({ url: `/uploads/${"b".repeat(32)}.png`, headers: { "if-none-match": "*" } })).statusCode).toBe(404);
    });

    it("an image the store fails to keep is a 500 that records no upload (nothing counted or referenced without bytes)", async () => {
      const { shop, cookie } = await shopOwner();
      const before = (await storedNames()).length;
      const put = vi.spyOn(server.images, "put").mockRejectedValueOnce(new Error("the store is unavailable"));
      try {
        expect((await upload(PNG, { cookie })).statusCode).toBe(500);
      } finally {
        put.mockRestore();
      }
      expect(await t.database.prisma.upload.count({ where: { shopId: shop.id } })).toBe(0);
      expect((await storedNames()).length).toBe(before);
      // The next one goes through.
      expect((await upload(PNG, { cookie })).statusCode).toBe(201);
      expect(await t.database.prisma.upload.count({ where: { shopId: shop.id } })).toBe(1);
    });
  });

  // Only the shared stores keep bytes apart from the uploads rows (disk has nothing to reconcile).
  if (kind !== "disk") describe("the stored bytes and the uploads rows stay together", () => {
    // Only the database store can find bytes without a row cheaply (a join); the others keep none.
    if (kind === "database") it("bytes left without a row by an upload cut short are removed once older than the grace period", async () => {
      const DAY = 24 * 3_600_000;
      const db = t.database.prisma;
      const { shop, cookie } = await shopOwner();
      const orphan = await server.images.put(PNG, "png");
      const recentOrphan = await server.images.put(PNG, "png");
      const recorded = nameOf(((await upload(PNG, { cookie })).json() as { url: string }).url);
      // One whose row is gone but that a shop still shows is spared as well.
      const shown = await server.images.put(PNG, "png");
      await db.shop.update({ where: { id: shop.id }, data: { logoUrl: `/uploads/${shown}` } });
      await db.imageBlob.updateMany({ where: { name: { in: [orphan, recorded, shown] } }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });

      expect(await sweepOrphanedImages(server.images, { graceMs: DAY })).toEqual([orphan]);
      const left = await storedNames();
      expect(left).not.toContain(orphan);
      expect(left).toEqual(expect.arrayContaining([recentOrphan, recorded, shown]));
    });

    it("images stored on this replica's disk before the shared store still serve, and the sweeper removes them there too", async () => {
      const db = t.database.prisma;
      const { shop } = await shopOwner();
      const disk = new DiskImageStore(path.join(dataDir, "uploads"));
      const old = await disk.put(JPEG, "jpg");
      await db.upload.create({ data: { shopId: shop.id, name: old, bytes: JPEG.length, createdAt: new Date(Date.now() - 2 * 24 * 3_600_000) } });
      const served = await server.app.inject(`/uploads/${old}`);
      expect(served.statusCode).toBe(200);
      expect(served.rawPayload.equals(JPEG)).toBe(true);
      expect(await sweepUnreferencedUploads(db, server.images, { graceMs: 24 * 3_600_000 })).toContain(old);
      expect((await server.app.inject(`/uploads/${old}`)).statusCode).toBe(404);
      expect(readdirSync(path.join(dataDir, "uploads"))).not.toContain(old);
    });
  });

  /** A signed-in owner of a shop with this status: the cookie to upload with, and the shop. */
  async function shopOwner(status: "PENDING" | "ACTIVE" | "SUSPENDED" = "ACTIVE") {
    const owner = await t.createUser({ role: status === "PENDING" ? "BUYER" : "SELLER" });
    const shop = await makeShop(t.database.prisma, owner.id, { status });
    const { token, caller } = await t.signIn(owner.email);
    return { shop, caller, cookie: `session=${token}` };
  }


  describe("SECURITY 37: uploads only for active shops, within a quota", () => {
    it("refuses the owner of a pending or a suspended shop with 403 and a clear message, storing nothing", async () => {
      const before = (await storedNames()).length;
      const pending = await shopOwner("PENDING");
      const res = await upload(PNG, { cookie: pending.cookie });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ message: "Your shop can upload images once an admin has approved it" });
      const suspended = await shopOwner("SUSPENDED");
      const res2 = await upload(PNG, { cookie: suspended.cookie });
      expect(res2.statusCode).toBe(403);
      expect(res2.json()).toMatchObject({ message: "Your shop is suspended: it cannot upload images" });
      expect((await storedNames()).length).toBe(before);
      expect(await t.database.prisma.upload.count({ where: { shopId: { in: [pending.shop.id, suspended.shop.id] } } })).toBe(0);
    });

    it("records each upload with its shop and size, and refuses the one that would pass the quota (413), keeping no file of it", async () => {
      const { shop, cookie } = await shopOwner();
      for (let i = 0; i < 3; i++) expect((await upload(pngOf(300), { cookie })).statusCode).toBe(201);
      const filesBefore = (await storedNames()).length;
      const refused = await upload(pngOf(300), { cookie });
      expect(refused.statusCode).toBe(413);
      expect(refused.json()).toMatchObject({ message: expect.stringMatching(/^Your shop has used its 1 MB of image storage/) });
      expect((await storedNames()).length).toBe(filesBefore);
      const rows = await t.database.prisma.upload.findMany({ where: { shopId: shop.id } });
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.bytes === pngOf(300).length)).toBe(true);
      // A small image still fits.
      expect((await upload(pngOf(50), { cookie })).statusCode).toBe(201);
      // Once full, the next is refused before its file is even read.
      expect((await upload(pngOf(200), { cookie })).statusCode).toBe(413);
    });

    it("concurrent uploads of one shop do not pass its quota together", async () => {
      const { shop, cookie } = await shopOwner();
      const filesBefore = (await storedNames()).length;
      const answers = await Promise.all(Array.from({ length: 10 }, () => upload(pngOf(300), { cookie })));
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes).toEqual([201, 201, 201, 413, 413, 413, 413, 413, 413, 413]);
      const used = await t.database.prisma.upload.aggregate({ where: { shopId: shop.id }, _sum: { bytes: true }, _count: true });
      expect(used._count).toBe(3);
      expect(used._sum.bytes).toBeLessThanOrEqual(1024 * 1024);
      expect((await storedNames()).length).toBe(filesBefore + 3);
    });
  });

  describe("SECURITY 37: unreferenced uploads are removed after a grace period", () => {
    const DAY = 24 * 3_600_000;
    const store = () => server.images;

    async function uploaded(cookie: string) {
      const res = await upload(PNG, { cookie });
      expect(res.statusCode).toBe(201);
      return (res.json() as { url: string }).url;
    }
    const age = (urls: string[], ms: number) =>
      t.database.prisma.upload.updateMany({ where: { name: { in: urls.map(nameOf) } }, data: { createdAt: new Date(Date.now() - ms) } });
    const served = async (url: string) => (await server.app.inject(url)).statusCode;

    it("removes an old image nothing references, file and row; keeps old ones a product, a logo or a banner uses, and recent ones", async () => {
      const { shop, cookie } = await shopOwner();
      const db = t.database.prisma;
      const [unused, onProduct, logo, banner, recent] = [await uploaded(cookie), await uploaded(cookie), await uploaded(cookie), await uploaded(cookie), await uploaded(cookie)];
      const product = await makeProduct(db, shop.id, (await makeCategory(db)).id);
      await db.productImage.create({ data: { productId: product.id, url: onProduct!, alt: "photo" } });
      await db.shop.update({ where: { id: shop.id }, data: { logoUrl: logo!, bannerUrl: banner! } });
      await age([unused!, onProduct!, logo!, banner!], 2 * DAY);

      const removed = await sweepUnreferencedUploads(db, store(), { graceMs: DAY });
      expect(removed).toEqual([nameOf(unused!)]);
      expect(await served(unused!)).toBe(404);
      expect(await storedNames()).not.toContain(nameOf(unused!));
      expect(await db.upload.findUnique({ where: { name: nameOf(unused!) } })).toBeNull();
      for (const kept of [onProduct!, logo!, banner!, recent!]) {
        expect(await served(kept), kept).toBe(200);
        expect(await db.upload.findUnique({ where: { name: nameOf(kept) } })).not.toBeNull();
      }
      // The quota counts what is stored: the removed image no longer does.
      expect(await db.upload.count({ where: { shopId: shop.id } })).toBe(4);
    });

    it("two processes sweeping at once remove each image exactly once", async () => {
      const { cookie } = await shopOwner();
      const urls = [await uploaded(cookie), await uploaded(cookie), await uploaded(cookie), await uploaded(cookie)];
      await age(urls, 2 * DAY);
      const db = t.database.prisma;
      const [a, b] = await Promise.all([sweepUnreferencedUploads(db, store(), { graceMs: DAY }), sweepUnreferencedUploads(db, store(), { graceMs: DAY })]);
      const all = [...a, ...b].filter((n) => urls.map(nameOf).includes(n));
      expect(all.sort()).toEqual(urls.map(nameOf).sort());
      for (const url of urls) expect(await served(url)).toBe(404);
    });

    it("the sweeper started with the server runs on its interval until stopped", async () => {
      const { cookie } = await shopOwner();
      const url = await uploaded(cookie);
      await age([url], 2 * DAY);
      const errors: unknown[] = [];
      const { metrics } = t.deps;
      const swept = await metrics.valueOf(metrics.uploadsSwept);
      const sweeper = startUploadSweeper(t.database.prisma, store(), { intervalSeconds: 1, graceMs: DAY, metrics }, (err) => errors.push(err));
      try {
        const deadline = Date.now() + 5_000;
        while ((await served(url)) === 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(await served(url)).toBe(404);
        expect(errors).toEqual([]);
        // The run is counted once it ends (the file goes before the commit).
        while ((await metrics.valueOf(metrics.sweeperRuns, { sweeper: "unused_uploads", outcome: "ok" })) === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await metrics.valueOf(metrics.uploadsSwept)).toBeGreaterThan(swept);
      } finally {
        await sweeper.stop();
      }
    });
  });

  describe("SECURITY 37: products and shops reference only their shop's stored uploads", () => {
    const imageUrl = async (cookie: string) => ((await upload(PNG, { cookie })).json() as { url: string }).url;

    it("another shop's upload, or one already swept, is refused with a clear field error; the shop's own is taken", async () => {
      const a = await shopOwner();
      const b = await shopOwner();
      const categoryId = (await makeCategory(t.database.prisma)).id;
      const mine = await imageUrl(a.cookie);
      const product = (images: { url: string; alt: string }[]) => ({
        title: "Lamp",
        description: "",
        categoryId,
        images,
        variants: [{ sku: `LAMP-${Math.random().toString(36).slice(2, 8)}`, title: "One", priceCents: 1000, stock: 1 }],
      });
      await expect(b.caller.product.create(product([{ url: mine, alt: "" }]))).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "This image is no longer available: upload it again",
      });
      const created = await a.caller.product.create(product([{ url: mine, alt: "" }]));
      expect(created.images.map((i) => i.url)).toEqual([mine]);

      const swept = await imageUrl(a.cookie);
      await t.database.prisma.upload.delete({ where: { name: nameOf(swept) } });
      await expect(a.caller.product.update({ id: created.id, images: [{ url: mine, alt: "" }, { url: swept, alt: "" }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(a.caller.shop.update({ logoUrl: swept })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(b.caller.shop.update({ bannerUrl: mine })).rejects.toMatchObject({ code: "BAD_REQUEST" });

      const logo = await imageUrl(a.cookie);
      expect((await a.caller.shop.update({ logoUrl: logo, bannerUrl: null })).logoUrl).toBe(logo);
      // What a product or shop references already is not looked up again (files stored before
      // uploads were recorded have no row).
      await t.database.prisma.upload.delete({ where: { name: nameOf(mine) } });
      expect((await a.caller.product.update({ id: created.id, title: "Lamp II", images: [{ url: mine, alt: "" }] })).title).toBe("Lamp II");
      expect((await a.caller.shop.update({ name: "Renamed shop", logoUrl: logo })).logoUrl).toBe(logo);
    });

    // PGlite runs one transaction at a time: the race exists only on a PostgreSQL server.
    it.skipIf(!usingPostgres)("a sweep running while a product takes an old unreferenced image skips it, and the image stays", async () => {
      const { shop, cookie } = await shopOwner();
      const db = t.database.prisma;
      const url = await imageUrl(cookie);
      await db.upload.updateMany({ where: { name: nameOf(url) }, data: { createdAt: new Date(Date.now() - 2 * 24 * 3_600_000) } });
      const product = await makeProduct(db, shop.id, (await makeCategory(db)).id);
      let held!: () => void;
      let release!: () => void;
      const holding = new Promise<void>((r) => (held = r));
      const gate = new Promise<void>((r) => (release = r));
      const saving = db.$transaction(async (tx) => {
        expect(await holdNewUploads(tx, shop.id, [url], [])).toEqual([]);
        held();
        await gate;
        await tx.productImage.create({ data: { productId: product.id, url, alt: "" } });
      });
      await holding;
      const store = server.images;
      expect(await sweepUnreferencedUploads(db, store, { graceMs: 24 * 3_600_000 })).not.toContain(nameOf(url));
      release();
      await saving;
      expect(await sweepUnreferencedUploads(db, store, { graceMs: 24 * 3_600_000 })).not.toContain(nameOf(url));
      expect((await server.app.inject(url)).statusCode).toBe(200);
    });
  });
}
