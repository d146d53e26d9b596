import type { Db } from "../../db/client.ts";

/**
 * A product the catalog does not show: archived by its shop (gone for good: 410, so search
 * engines drop it) or never there (404). Drafts and the products of closed shops are 404 too:
 * they may come back.
 */
export async function missingProductStatus(db: Db, id: string): Promise<404 | 410> {
  const row = await db.product.findUnique({ where: { id }, select: { status: true } });
  return row?.status === "ARCHIVED" ? 410 : 404;
}
