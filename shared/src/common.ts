import { z } from "zod";
// Installs the plain-words messages for every check without one of its own, before any schema runs.
import "./messages.ts";

/**
 * Lone UTF-16 surrogate halves, which have no UTF-8 form (the driver would store U+FFFD in their
 * place, silently changing what was sent). With the `u` flag a well-formed pair is one code
 * point outside this class, so only unpaired halves match.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const UNSTORABLE_TEXT_MESSAGE = "Remove the NUL or broken characters";

/**
 * Whether PostgreSQL can store this string exactly as it is (see `text`): no NUL (U+0000), which
 * text cannot hold (the statement fails: a 500), and no lone surrogate half.
 */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && !LONE_SURROGATE.test(s);
}

/**
 * The start of every string in every input schema, in place of `z.string()`: a string that
 * PostgreSQL can store as sent, so that odd input is a field error (400) instead of a database
 * error (500), on the server and in the client's forms alike. The check comes first and aborts,
 * so the field shows this one message rather than a length complaint as well.
 */
export const text = () => z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE, abort: true });

/** Opaque ids (UUID v7 text; older rows may hold cuid2): checked for shape only, never parsed for meaning. */
export const idSchema = text().trim().min(1, "Required").max(64, "Use at most 64 characters");

/** Input of every procedure that acts on one object. */
export const byIdInput = z.strictObject({ id: idSchema });
export type ByIdInput = z.infer<typeof byIdInput>;

/** Keyset pagination: an opaque cursor from the previous page and a capped page size. */
export const pageInput = {
  cursor: text().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
};

/** The longest search text of the admin lists (users, shops). */
export const ADMIN_QUERY_MAX_LENGTH = 100;
