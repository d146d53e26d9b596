import { z } from "zod";

/** Opaque ids (UUID v7 text; older rows may hold cuid2): checked for shape only, never parsed for meaning. */
export const idSchema = z.string().trim().min(1, "Required").max(64, "Too long");

/** Input of every procedure that acts on one object. */
export const byIdInput = z.strictObject({ id: idSchema });
export type ByIdInput = z.infer<typeof byIdInput>;

/** Keyset pagination: an opaque cursor from the previous page and a capped page size. */
export const pageInput = {
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
};
