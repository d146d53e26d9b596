import { isStorableText } from "@marketplace/shared";
import { DomainError } from "./errors.ts";

/**
 * Keyset cursors: the sort key of the last row seen, base64url-encoded JSON. Opaque to clients;
 * a cursor that does not decode is BAD_REQUEST, not a silent first page.
 *
 * A cursor comes back from the client, so it is input like any other (SECURITY 38): every value
 * it carries must be one the database can take, or the statement fails and the answer is a 500.
 */
export interface Cursor {
  /** Primary sort value (a timestamp in ms, a price, a rank…): a safe integer. */
  t: number;
  /** Tie-breaker: the row's id. */
  id: string;
}

/**
 * The timestamps a cursor may carry: years 1 to 9999. Every row's time is in it; beyond it a JS
 * Date (±275,760 years) and PostgreSQL's timestamptz (4713 BC to 294276 AD) disagree, and ISO
 * strings grow a sign and six-digit years that PostgreSQL refuses.
 */
export const CURSOR_MS_MIN = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const CURSOR_MS_MAX = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** Ids are text of at most 64 characters (see `idSchema`). */
export function isCursorId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= 64 && isStorableText(id);
}

/** Whether `ms` is a time a cursor may carry (see `CURSOR_MS_MIN`). */
export function isCursorMs(ms: unknown): ms is number {
  return typeof ms === "number" && Number.isSafeInteger(ms) && ms >= CURSOR_MS_MIN && ms <= CURSOR_MS_MAX;
}

export const invalidCursor = (message = "Invalid cursor") => new DomainError("BAD_REQUEST", message, { cursor: [message] });

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (typeof value !== "object" || value === null) throw invalidCursor();
  const { t, id } = value as Record<string, unknown>;
  if (typeof t !== "number" || !Number.isSafeInteger(t) || !isCursorId(id)) throw invalidCursor();
  return { t, id };
}

/** The Date of a cursor's time, or BAD_REQUEST when it is outside `CURSOR_MS_MIN`…`CURSOR_MS_MAX`. */
export function cursorDate(ms: number): Date {
  if (!isCursorMs(ms)) throw invalidCursor();
  return new Date(ms);
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
    const at = cursorDate(after.t);
    return { AND: [{ OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: after.id } }] }] };
  },

  /** One page of the `limit + 1` rows read, and the cursor of the next page (null on the last). */
  page<R extends { createdAt: Date; id: string }>(rows: R[], limit: number): { items: R[]; nextCursor: string | null } {
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last.id }) : null };
  },
};

/** What a newest-first page is read with: the caller's condition and the cursor's, the order, one row more than the page. */
export interface NewestFirstQuery<W> {
  where: W & ReturnType<typeof newestFirst.after>;
  orderBy: (typeof newestFirst.orderBy)[number][];
  take: number;
}

/**
 * One newest-first page of the rows matching `where`: `find` runs the query (a Prisma findMany
 * with its own select), this adds the cursor's condition, the order and the extra row that tells
 * whether another page follows.
 */
export async function readNewestFirst<W extends object, R extends { createdAt: Date; id: string }>(
  input: { cursor?: string | undefined; limit: number },
  where: W,
  find: (query: NewestFirstQuery<W>) => Promise<R[]>,
): Promise<{ items: R[]; nextCursor: string | null }> {
  const rows = await find({ where: { ...where, ...newestFirst.after(input.cursor) }, orderBy: [...newestFirst.orderBy], take: input.limit + 1 });
  return newestFirst.page(rows, input.limit);
}
