import { z } from "zod";

export const catalogNewestInput = z.strictObject({
  limit: z.number().int().min(1).max(48).default(24),
});
export type CatalogNewestInput = z.infer<typeof catalogNewestInput>;
