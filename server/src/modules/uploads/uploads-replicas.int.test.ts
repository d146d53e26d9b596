import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { openDatabase } from "../../db/client.ts";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { makeShop } from "../../test/factories.ts";
import { usingPostgres } from "../../test/db.ts";
import { tryStartFakeS3 } from "../../test/fake-s3.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { sweepUnreferencedUploads } from "./upload-sweeper.ts";

/**
 * Two server instances on one database, as two replicas behind a load balancer, each with a data
 * folder of its own (as two pods with their own emptyDir): an image uploaded through one is served
 * by the other, and removed for both by either's sweeper. On PostgreSQL each replica has its own
 * pool; on PGlite (one process) they share the one database.
 */
const s3 = await tryStartFakeS3();
afterAll(() => s3?.stop());

const DAY = 24 * 3_600_000;
/** A PNG of 700 KiB with varied bytes: several pieces when read from the database. */
const IMAGE = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: 700 * 1024 }, (_, i) => (i * 7 + (i >> 12)) & 0xff)),
]);

for (const kind of ["database", "s3"] as const) {
  describe.skipIf(kind === "s3" && !s3)(`two replicas with UPLOAD_STORE=${kind}`, () => {
    let t: TestApp;
    let a: MarketplaceServer;
    let b: MarketplaceServer;
    const dirs = [mkdtempSync(path.join(tmpdir(), "mk-replica-a-")), mkdtempSync(path.join(tmpdir(), "mk-replica-b-"))] as const;

    beforeAll(async () => {
      t = await createTestApp();
      const storeEnv = kind === "s3" ? (await s3!.bucket()).env : { UPLOAD_STORE: kind };
      const config = (dataDir: string) => loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, UPLOAD_SWEEP_INTERVAL_SECONDS: "0", ...storeEnv });
      a = await createServer({ ...t.deps, config: config(dirs[0]) });
      const databaseB = usingPostgres ? await openDatabase({ url: t.database.url!, poolSize: 5 }) : t.database;
      b = await createServer({ ...t.deps, database: databaseB, config: config(dirs[1]) });
      await Promise.all([a.app.ready(), b.app.ready()]);
    });
    afterAll(async () => {
      // B first: A's stop closes (and on PostgreSQL drops) the test database.
      if (usingPostgres) await b?.stop();
      else {
        await b?.realtime.close();
        await b?.app.close();
        b?.images.close?.();
      }
      await a?.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    async function uploadThrough(server: MarketplaceServer, cookie: string, bytes: Buffer): Promise<string> {
      const boundary = "----bazaar-replica-boundary";
      const res = await server.app.inject({
        method: "POST",
        url: "/uploads",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, cookie },
        payload: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { url: string }).url;
    }

    it("an image uploaded through A is served byte for byte by B; after B's sweeper removes it, A answers 404", async () => {
      const owner = await t.createUser({ role: "SELLER" });
      await makeShop(t.database.prisma, owner.id);
      const cookie = `session=${(await t.signIn(owner.email)).token}`;

      const url = await uploadThrough(a, cookie, IMAGE);
      const fromB = await b.app.inject(url);
      expect(fromB.statusCode).toBe(200);
      expect(fromB.headers["content-type"]).toBe("image/png");
      expect(fromB.rawPayload.equals(IMAGE)).toBe(true);
      // Neither replica's own folder holds it: it is in the shared store.
      for (const dir of dirs) expect(existsSync(path.join(dir, "uploads"))).toBe(false);

      const name = url.replace("/uploads/", "");
      await t.database.prisma.upload.update({ where: { name }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
      expect(await sweepUnreferencedUploads(b.deps.database.prisma, b.images, { graceMs: DAY })).toEqual([name]);
      expect((await a.app.inject(url)).statusCode).toBe(404);
      expect((await b.app.inject(url)).statusCode).toBe(404);
    });
  });
}
