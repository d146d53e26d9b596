import { z } from "zod";
import { ADMIN_QUERY_MAX_LENGTH, idSchema, pageInput, text } from "./common.ts";
import { roleSchema, userStatusSchema } from "./enums.ts";
import { ACTIVITY_KINDS } from "./events.ts";

export const adminUsersListInput = z.strictObject({
  q: text().trim().max(ADMIN_QUERY_MAX_LENGTH).optional(),
  role: roleSchema.optional(),
  status: userStatusSchema.optional(),
  ...pageInput,
});
export type AdminUsersListInput = z.infer<typeof adminUsersListInput>;

export const adminSetRoleInput = z.strictObject({ id: idSchema, role: roleSchema });
export type AdminSetRoleInput = z.infer<typeof adminSetRoleInput>;

export const adminBanInput = z.strictObject({
  id: idSchema,
  reason: text().trim().max(500, "Use at most 500 characters").optional(),
});
export type AdminBanInput = z.infer<typeof adminBanInput>;

export const adminActivityListInput = z.strictObject({
  kind: z.enum(ACTIVITY_KINDS).optional(),
  ...pageInput,
});
export type AdminActivityListInput = z.infer<typeof adminActivityListInput>;
