import { roleCan } from "@marketplace/shared";
import type { Db, Tx } from "../../db/client.ts";
import { isRefusal, resolveMembership } from "../teams/membership.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { TRANSACTION_LIMITS } from "../../lib/transaction.ts";

/** Why an upload is refused: an HTTP status and a message the seller can act on. */
export interface UploadRefusal {
  status: 403 | 413;
  message: string;
}

const MB = 1024 * 1024;

/**
 * The shop an upload would be counted against, or why this user may not upload (SECURITY 37):
 * only a member of an ACTIVE shop whose role edits the catalog may (the shop chosen with the
 * x-shop-id header, or their only one); a pending shop's could otherwise fill the disk before any
 * admin ever looked at it.
 */
export async function uploadingShop(db: Db, userId: string, requestedShopId: string | null = null): Promise<{ shopId: string } | UploadRefusal> {
  const found = await resolveMembership(db, userId, requestedShopId);
  if (isRefusal(found)) return { status: 403, message: found.code === "NOT_FOUND" ? "Only shop owners can upload images" : found.message };
  if (!roleCan(found.role, "catalog.write")) return { status: 403, message: "Your role in this shop cannot upload images" };
  const shop = found.shop;
  if (shop.status === "PENDING") return { status: 403, message: "Your shop can upload images once an admin has approved it" };
  if (shop.status === "SUSPENDED") return { status: 403, message: "Your shop is suspended: it cannot upload images" };
  return { shopId: shop.id };
}

function quotaRefusal(quotaMb: number, graceHours: number): UploadRefusal {
  return {
    status: 413,
    message: `Your shop has used its ${quotaMb} MB of image storage. Images no product or shop page uses are removed after ${graceHours} hours.`,
  };
}

/** A cheap early answer, before the file is read: a shop already at its quota is refused at once. */
export async function quotaAlreadyReached(db: Db, shopId: string, quota: { mb: number; graceHours: number }): Promise<UploadRefusal | null> {
  const used = await db.upload.aggregate({ where: { shopId }, _sum: { bytes: true } });
  return (used._sum.bytes ?? 0) >= quota.mb * MB ? quotaRefusal(quota.mb, quota.graceHours) : null;
}

/**
 * Counts a stored file against its shop's quota, or refuses it (the caller then deletes the file).
 * Concurrent uploads of one shop take turns on the shop's row (`FOR NO KEY UPDATE`, which leaves
 * the shop's products and orders free to reference it), so the sum each one checks includes every
 * upload recorded before it: together they never pass the quota. The shop must still be ACTIVE
 * under that lock: a suspension committed during the upload wins.
 */
export async function recordUpload(
  db: Db,
  input: { shopId: string; name: string; bytes: number },
  quota: { mb: number; graceHours: number },
): Promise<UploadRefusal | null> {
  return db.$transaction(async (tx) => {
    const [shop] = await tx.$queryRaw<{ status: string }[]>`
      SELECT "status"::text AS "status" FROM "shops" WHERE "id" = ${input.shopId} FOR NO KEY UPDATE`;
    if (shop?.status !== "ACTIVE") return { status: 403, message: "Only active shops can upload images" } satisfies UploadRefusal;
    const used = await tx.upload.aggregate({ where: { shopId: input.shopId }, _sum: { bytes: true } });
    if ((used._sum.bytes ?? 0) + input.bytes > quota.mb * MB) return quotaRefusal(quota.mb, quota.graceHours);
    await tx.upload.create({ data: { shopId: input.shopId, name: input.name, bytes: input.bytes } });
    return null;
  }, TRANSACTION_LIMITS);
}

const UPLOAD_URL_PREFIX = "/uploads/";

/**
 * For a product or shop about to reference uploaded images: the `/uploads/…` URLs among `urls`
 * that it does not reference yet (`current`) must be this shop's uploads, still stored. Those are
 * held (`FOR SHARE`) until the caller's transaction commits, so the sweeper, which skips locked
 * rows, cannot remove an image while it is being referenced; one it removed just before is
 * reported instead of saved as a broken image. Returns the URLs that are not available (empty:
 * all fine). Images referenced already, and generated `data:` images, are not looked at (files
 * uploaded before uploads were recorded have no row).
 */
export async function holdNewUploads(tx: Tx, shopId: string, urls: (string | null | undefined)[], current: (string | null)[]): Promise<string[]> {
  const known = new Set(current);
  const fresh = [...new Set(urls.filter((u): u is string => !!u && u.startsWith(UPLOAD_URL_PREFIX) && !known.has(u)))];
  if (!fresh.length) return [];
  const names = fresh.map((u) => u.slice(UPLOAD_URL_PREFIX.length));
  const held = await tx.$queryRaw<{ name: string }[]>`
    SELECT "name" FROM "uploads" WHERE "shop_id" = ${shopId} AND "name" IN (${Prisma.join(names)}) FOR SHARE`;
  const available = new Set(held.map((r) => UPLOAD_URL_PREFIX + r.name));
  return fresh.filter((u) => !available.has(u));
}

/** The message for an image `holdNewUploads` found unavailable. */
export const UNAVAILABLE_IMAGE = "This image is no longer available: upload it again";
