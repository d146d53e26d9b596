import { z } from "zod";
import { DomainError } from "../../lib/errors.ts";

/**
 * Keyset cursors of review lists: the last row's sort value `k` (helpful votes, stars or
 * reports; absent for newest-first), its creation time in ms and its id, base64url JSON. Every
 * part is checked for shape and range: a cursor that does not decode is BAD_REQUEST, never a
 * query PostgreSQL would refuse.
 */
const cursorSchema = z.strictObject({
  k: z.number().int().min(0).max(2_147_483_647).optional(),
  // Between 1970 and 9999: what a created_at can hold.
  t: z.number().int().min(0).max(253_402_300_799_999),
  id: z.string().min(1).max(64),
});
export type ReviewCursor = z.infer<typeof cursorSchema>;

export function encodeReviewCursor(c: ReviewCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeReviewCursor(cursor: string | undefined): ReviewCursor | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new DomainError("BAD_REQUEST", "Invalid cursor", { cursor: ["Invalid cursor"] });
  return result.data;
}

type Direction = "asc" | "desc";

/**
 * Paging for a list ordered by (key `field` in `dir`, then newest first, then id): the order, the
 * condition of the rows after a cursor, and the page with its next cursor.
 */
export function keyset<F extends "helpfulCount" | "rating" | "reportCount">(field: F | null, dir: Direction = "desc") {
  return {
    orderBy: [...(field ? [{ [field]: dir }] : []), { createdAt: "desc" as const }, { id: "desc" as const }],
    after(cursor: string | undefined) {
      const c = decodeReviewCursor(cursor);
      if (!c) return {};
      const t = new Date(c.t);
      const newer = [{ createdAt: { lt: t } }, { createdAt: t, id: { lt: c.id } }];
      if (!field) return { OR: newer };
      if (c.k === undefined) throw new DomainError("BAD_REQUEST", "Invalid cursor", { cursor: ["Invalid cursor"] });
      return { OR: [{ [field]: { [dir === "desc" ? "lt" : "gt"]: c.k } }, ...newer.map((n) => ({ [field]: c.k, ...n }))] };
    },
    page<R extends { createdAt: Date; id: string } & Partial<Record<F, number>>>(rows: R[], limit: number): { items: R[]; nextCursor: string | null } {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last ? encodeReviewCursor({ ...(field ? { k: last[field] as number } : {}), t: last.createdAt.getTime(), id: last.id }) : null;
      return { items, nextCursor };
    },
  };
}
