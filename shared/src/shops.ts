import { z } from "zod";
import { ADMIN_QUERY_MAX_LENGTH, idSchema, pageInput, text } from "./common.ts";
import { shopStatusSchema } from "./enums.ts";

/** Image references a client may store: files it uploaded to us, or small generated SVGs. */
export const imageUrlSchema = text()
  .max(4096, "An image reference has at most 4,096 characters")
  .regex(/^(\/uploads\/[a-z0-9]{16,64}\.(jpg|png|webp)|data:image\/svg\+xml,.+)$/s, "Upload the image first");

export const shopNameSchema = text().trim().min(2, "Use at least 2 characters").max(60, "Use at most 60 characters");
export const shopDescriptionSchema = text().trim().max(2000, "Use at most 2,000 characters");

export const shopCreateInput = z.strictObject({
  name: shopNameSchema,
  description: shopDescriptionSchema.default(""),
});
export type ShopCreateInput = z.infer<typeof shopCreateInput>;

export const shopUpdateInput = z.strictObject({
  name: shopNameSchema.optional(),
  description: shopDescriptionSchema.optional(),
  logoUrl: imageUrlSchema.nullable().optional(),
  bannerUrl: imageUrlSchema.nullable().optional(),
});
export type ShopUpdateInput = z.infer<typeof shopUpdateInput>;

export const shopBySlugInput = z.strictObject({ slug: text().trim().min(1).max(80) });
export type ShopBySlugInput = z.infer<typeof shopBySlugInput>;

export const adminShopsListInput = z.strictObject({
  status: shopStatusSchema.optional(),
  q: text().trim().max(ADMIN_QUERY_MAX_LENGTH).optional(),
  ...pageInput,
});
export type AdminShopsListInput = z.infer<typeof adminShopsListInput>;

export const adminShopApproveInput = z.strictObject({ id: idSchema });
export const adminShopSuspendInput = z.strictObject({
  id: idSchema,
  reason: text().trim().min(3, "Say why, in a few words").max(500, "Use at most 500 characters"),
});
export type AdminShopSuspendInput = z.infer<typeof adminShopSuspendInput>;
