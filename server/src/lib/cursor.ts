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
