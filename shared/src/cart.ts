import { z } from "zod";
import { idSchema } from "./common.ts";

export const MAX_LINE_QUANTITY = 99;
export const MAX_CART_LINES = 50;

/**
 * The most one order (and so one cart line) may total, in minor units: 999,999.99 in a
 * two-decimal currency, the largest amount Stripe charges at once, and well inside the 32-bit
 * integers that hold money in the database.
 */
export const MAX_ORDER_TOTAL_CENTS = 99_999_999;

const quantitySchema = z
  .number()
  .int("Whole units only")
  .min(1, "At least 1")
  .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} of one item per order`);

export const cartAddInput = z.strictObject({ variantId: idSchema, quantity: quantitySchema.default(1) });
export type CartAddInput = z.infer<typeof cartAddInput>;

export const cartUpdateInput = z.strictObject({ variantId: idSchema, quantity: quantitySchema });
export type CartUpdateInput = z.infer<typeof cartUpdateInput>;

export const cartRemoveInput = z.strictObject({ variantId: idSchema });

/** A guest cart kept in the browser, merged into the server cart at sign-in. */
export const cartMergeInput = z.strictObject({
  items: z.array(z.strictObject({ variantId: idSchema, quantity: quantitySchema })).max(MAX_CART_LINES),
});
export type CartMergeInput = z.infer<typeof cartMergeInput>;
