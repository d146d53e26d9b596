import { z } from "zod";
import { idSchema, text } from "./common.ts";
import { imageUrlSchema } from "./shops.ts";

export const MAX_VARIANTS = 20;
export const MAX_IMAGES = 8;
/** The most a variant may cost, in minor units (1,000,000.00), and the most units it may stock. */
export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_STOCK = 1_000_000;
export const PRICE_TOO_HIGH_MESSAGE = "A price can be at most 1,000,000.00";
export const STOCK_TOO_HIGH_MESSAGE = "Stock can be at most 1,000,000 units";
export const PRODUCT_LIMITS = { title: 140, description: 5000, variantTitle: 80, sku: 64, alt: 200 } as const;

export const variantInput = z.strictObject({
  /** Present to update an existing variant of this product; absent to add one. */
  id: idSchema.optional(),
  sku: text()
    .trim()
    .min(1, "Enter a SKU")
    .max(PRODUCT_LIMITS.sku, `Use at most ${PRODUCT_LIMITS.sku} characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only"),
  title: text().trim().min(1, "Name the variant").max(PRODUCT_LIMITS.variantTitle, `Use at most ${PRODUCT_LIMITS.variantTitle} characters`),
  priceCents: z
    .number()
    .int("Whole cents only")
    .min(0, "A price cannot be negative")
    .max(MAX_PRICE_CENTS, PRICE_TOO_HIGH_MESSAGE),
  stock: z.number().int("Whole units only").min(0, "Stock cannot be negative").max(MAX_STOCK, STOCK_TOO_HIGH_MESSAGE),
  /**
   * For an existing variant: the stock the seller's form showed. When sent, the seller's change
   * (`stock − stockSeen`) is applied to the stock as it is at saving (never below 0), so units sold
   * while the form was open are not put back on sale. Without it, `stock` is set as given.
   */
  stockSeen: z.number().int().min(0).max(MAX_STOCK).optional(),
});
export type VariantInput = z.infer<typeof variantInput>;

export const productImageInput = z.strictObject({
  url: imageUrlSchema,
  /** Empty: the product's title stands in for it wherever the photo is shown. */
  alt: text().trim().max(PRODUCT_LIMITS.alt, `Use at most ${PRODUCT_LIMITS.alt} characters`).default(""),
});

const productFields = {
  title: text().trim().min(2, "Use at least 2 characters").max(PRODUCT_LIMITS.title, `Use at most ${PRODUCT_LIMITS.title} characters`),
  description: text().trim().max(PRODUCT_LIMITS.description, "Use at most 5,000 characters"),
  categoryId: idSchema,
  images: z.array(productImageInput).max(MAX_IMAGES, `At most ${MAX_IMAGES} photos`),
  status: z.enum(["DRAFT", "ACTIVE"]),
  variants: z
    .array(variantInput)
    .min(1, "Add at least one variant")
    .max(MAX_VARIANTS, `At most ${MAX_VARIANTS} variants`)
    .refine((vs) => new Set(vs.map((v) => v.sku.toLowerCase())).size === vs.length, "Each variant needs its own SKU"),
};

export const productCreateInput = z.strictObject({
  ...productFields,
  description: productFields.description.default(""),
  images: productFields.images.default([]),
  status: productFields.status.default("ACTIVE"),
});
export type ProductCreateInput = z.infer<typeof productCreateInput>;

/** Every field but the id is optional; `variants` and `images`, when sent, are the full new lists. */
export const productUpdateInput = z.strictObject({
  id: idSchema,
  title: productFields.title.optional(),
  description: productFields.description.optional(),
  categoryId: productFields.categoryId.optional(),
  images: productFields.images.optional(),
  status: productFields.status.optional(),
  variants: productFields.variants.optional(),
});
export type ProductUpdateInput = z.infer<typeof productUpdateInput>;

export const productListMineInput = z.strictObject({
  status: z.enum(["DRAFT", "ACTIVE", "ARCHIVED"]).optional(),
});
export type ProductListMineInput = z.infer<typeof productListMineInput>;
