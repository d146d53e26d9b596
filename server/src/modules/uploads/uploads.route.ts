import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply } from "fastify";
import { resolveSession } from "../auth/session.service.ts";
import { readSessionToken } from "../auth/session-cookie.ts";
import { SHOP_HEADER } from "@marketplace/shared";
import type { AppDeps } from "../../scope.ts";
import { CONTENT_TYPES, sniffImageType, type ImageStore } from "./image-store.ts";
import { quotaAlreadyReached, recordUpload, uploadingShop, type UploadRefusal } from "./uploads.service.ts";

/** 5 MB per image. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * Image uploads for shop owners (SECURITY 28): `POST /uploads` with one multipart file, checked
 * by content (JPEG, PNG or WebP), size-limited, stored under a generated name and answered with
 * `{url}` to put in a product or shop. Only ACTIVE shops upload, within their quota (SECURITY 37;
 * uploads.service.ts), and what nothing references is swept later (upload-sweeper.ts); `GET /uploads/:name` serves it with its real type,
 * `nosniff` and a long cache (names never change meaning), from whichever store UPLOAD_STORE names
 * (stores.ts): the same URL and headers on every replica and from every store.
 */
export async function registerUploads(app: FastifyInstance, deps: AppDeps, store: ImageStore): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 0, parts: 1 } });

    scope.post("/uploads", { bodyLimit: MAX_IMAGE_BYTES + 64 * 1024 }, async (req, reply) => {
      // Cross-site form posts carry the cookie only for top-level GETs (SameSite=Lax); an Origin
      // that is not ours is refused as well.
      const origin = req.headers.origin;
      if (origin && origin !== `${req.protocol}://${req.headers.host}` && !deps.config.corsOrigins.includes(origin)) {
        return reply.code(403).send({ error: "Forbidden", message: "Cross-site upload refused" });
      }
      const token = readSessionToken(req, deps.config);
      const session = token ? await resolveSession(deps.database.prisma, token) : null;
      if (!session) return reply.code(401).send({ error: "Unauthorized", message: "Sign in first" });
      const db = deps.database.prisma;
      const quota = { mb: deps.config.UPLOAD_QUOTA_MB, graceHours: deps.config.UPLOAD_GRACE_HOURS };
      const chosen = req.headers[SHOP_HEADER];
      const shop = await uploadingShop(db, session.user.id, typeof chosen === "string" && chosen ? chosen : null);
      if (!("shopId" in shop)) return refuse(reply, shop);
      const full = await quotaAlreadyReached(db, shop.shopId, quota);
      if (full) return refuse(reply, full);
      if (!req.isMultipart()) return reply.code(415).send({ error: "Unsupported Media Type", message: "Send multipart/form-data" });
      const file = await req.file().catch(() => undefined);
      if (!file) return reply.code(400).send({ error: "Bad Request", message: "Attach one image file" });
      let bytes: Buffer;
      try {
        bytes = await file.toBuffer();
      } catch {
        return reply.code(413).send({ error: "Payload Too Large", message: "Images are limited to 5 MB" });
      }
      const type = sniffImageType(bytes);
      if (!type) return reply.code(415).send({ error: "Unsupported Media Type", message: "Upload a JPEG, PNG or WebP image" });
      // The bytes first, then the row that counts them: a put that fails leaves no row (no image
      // counted and referenced without bytes), and a refusal or a failed row removes the bytes.
      const name = await store.put(bytes, type);
      const refused = await recordUpload(db, { shopId: shop.shopId, name, bytes: bytes.length }, quota).catch(async (err: unknown) => {
        await store.remove([name]);
        throw err;
      });
      if (refused) {
        await store.remove([name]);
        return refuse(reply, refused);
      }
      return reply.code(201).send({ url: `/uploads/${name}` });
    });

    scope.get<{ Params: { name: string } }>("/uploads/:name", async (req, reply) => {
      const found = await store.open(req.params.name);
      if (!found) return reply.code(404).send({ error: "Not Found", message: "No such image" });
      // A name is given to one image for good, so the name is its entity tag: a browser revalidating
      // a copy it holds is answered 304 without the bytes (still only while the image exists).
      const etag = `"${req.params.name.slice(0, 32)}"`;
      reply.header("ETag", etag).header("Cache-Control", "public, max-age=31536000, immutable");
      if (matchesEtag(req.headers["if-none-match"], etag)) {
        found.stream.destroy();
        return reply.code(304).send();
      }
      return reply
        .header("Content-Type", CONTENT_TYPES[found.type])
        .header("Content-Length", found.size)
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "default-src 'none'; sandbox")
        .send(found.stream);
    });
  });
}

function refuse(reply: FastifyReply, refusal: UploadRefusal) {
  return reply.code(refusal.status).send({ error: refusal.status === 413 ? "Payload Too Large" : "Forbidden", message: refusal.message });
}

/** If-None-Match against one strong tag: a list of tags, weak ones compared weakly (RFC 9110 13.1.2), or `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}
