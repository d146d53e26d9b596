import { DomainError } from "./errors.ts";

/**
 * Keyset cursors: the sort key of the last row seen, base64url-encoded JSON. Opaque to clients;
 * a cursor that does not decode is BAD_REQUEST, not a silent first page.
 */
export interface Cursor {
  /** Primary sort value (a timestamp in ms, a price, a rank…). */
  t: number;
  /** Tie-breaker: the row's id. */
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
    if (typeof value.t === "number" && Number.isFinite(value.t) && typeof value.id === "string") return value;
  } catch {
    // fall through
  }
  throw new DomainError("BAD_REQUEST", "Invalid cursor", { cursor: ["Invalid cursor"] });
}

/**
 * Newest-first keyset paging on (created_at, id), for lists ordered by
 * `[{ createdAt: "desc" }, { id: "desc" }]` and read with `take: limit + 1`.
 */
export const newestFirst = {
  orderBy: [{ createdAt: "desc" }, { id: "desc" }] as const satisfies readonly Record<string, "desc">[],

  /** The where-condition of the rows after `cursor` (an empty object for the first page). */
  after(cursor: string | undefined) {
    const after = decodeCursor(cursor);
    if (!after) return {};
    return { AND: [{ OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] }] };
  },

  /** One page of the `limit + 1` rows read, and the cursor of the next page (null on the last). */
  page<R extends { createdAt: Date; id: string }>(rows: R[], limit: number): { items: R[]; nextCursor: string | null } {
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last.id }) : null };
  },
};
