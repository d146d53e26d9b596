import { createHash } from "node:crypto";
import type { CatalogSort } from "@marketplace/shared";
import { isCursorId, isCursorMs } from "../../lib/cursor.ts";
import { DomainError } from "../../lib/errors.ts";

/** The order a search actually runs: `relevance` only with a query (else `newest`). */
export type SearchOrder = CatalogSort;

/**
 * A search cursor: the sort it belongs to, the sort key of the last product of the page (see
 * `KEY_KINDS`) and that product's id as the tie-breaker. Relevance cursors also carry a short
 * hash of the query, since ranks mean nothing under another query.
 */
export interface SearchCursor {
  s: SearchOrder;
  /** newest: [created_at ms]; price_*: [lowest price]; rating: [score, count]; relevance: [tier, score]. */
  k: number[];
  id: string;
  q?: string;
}

/**
 * What each key must be: an int4, a float8, or a timestamp in ms of years 1 to 9999 (one that both
 * a Date and PostgreSQL's timestamptz hold, written as a plain ISO string). A client sends the
 * cursor back, so anything else would reach the statement's casts and fail there (a 500).
 */
type KeyKind = "int" | "float" | "ms";
const KEY_KINDS: Record<SearchOrder, KeyKind[]> = {
  newest: ["ms"],
  price_asc: ["int"],
  price_desc: ["int"],
  rating: ["float", "int"],
  relevance: ["int", "float"],
};
const INT4_MAX = 2 ** 31 - 1;

function keyOk(kind: KeyKind, x: unknown): boolean {
  if (typeof x !== "number" || !Number.isFinite(x)) return false;
  if (kind === "int") return Number.isInteger(x) && Math.abs(x) <= INT4_MAX;
  if (kind === "ms") return isCursorMs(x);
  return true;
}

/** A short fingerprint of a query, for relevance cursors. */
export function queryFingerprint(q: string): string {
  return createHash("sha256").update(q).digest("base64url").slice(0, 10);
}

export function encodeSearchCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

const invalid = (message: string) => new DomainError("BAD_REQUEST", message, { cursor: [message] });

/**
 * Decodes a cursor made by `encodeSearchCursor` for this very sort (and query, for relevance).
 * Anything else (garbage, a cursor of another sort or query) is BAD_REQUEST, never a silent first page.
 */
export function decodeSearchCursor(cursor: string | undefined, sort: SearchOrder, q: string | null): SearchCursor | null {
  if (!cursor) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("Invalid cursor");
  }
  if (!isCursor(value)) throw invalid("Invalid cursor");
  if (value.s !== sort) throw invalid("This cursor belongs to another sort order");
  if (sort === "relevance" && value.q !== queryFingerprint(q ?? "")) throw invalid("This cursor belongs to another search");
  return value;
}

function isCursor(v: unknown): v is SearchCursor {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Record<string, unknown>;
  if (typeof c.s !== "string" || !Object.hasOwn(KEY_KINDS, c.s)) return false;
  if (!isCursorId(c.id)) return false;
  if (c.q !== undefined && typeof c.q !== "string") return false;
  const kinds = KEY_KINDS[c.s as SearchOrder];
  const k = c.k;
  return Array.isArray(k) && k.length === kinds.length && kinds.every((kind, i) => keyOk(kind, k[i]));
}
