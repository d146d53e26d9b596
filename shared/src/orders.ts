import { z } from "zod";
import { idSchema, pageInput, text } from "./common.ts";
import { countryCodeSchema } from "./countries.ts";
import { orderStatusSchema } from "./enums.ts";

export const shippingAddressSchema = z.strictObject({
  name: text().trim().min(1, "Enter the recipient's name").max(100, "Use at most 100 characters"),
  line1: text().trim().min(1, "Enter the street address").max(200, "Use at most 200 characters"),
  line2: text().trim().max(200, "Use at most 200 characters").optional(),
  city: text().trim().min(1, "Enter the city").max(100, "Use at most 100 characters"),
  postalCode: text().trim().min(2, "Enter the postal code").max(20, "Use at most 20 characters"),
  country: countryCodeSchema,
});
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;

export const placeOrderInput = z.strictObject({
  /** Chosen by the client once per checkout attempt (e.g. a UUID): retries return the same order. */
  idempotencyKey: text().trim().min(8, "Too short").max(100).regex(/^[A-Za-z0-9_-]+$/, "Letters, digits, - and _ only"),
  shippingAddress: shippingAddressSchema,
});
export type PlaceOrderInput = z.infer<typeof placeOrderInput>;

export const confirmTestPaymentInput = z.strictObject({
  id: idSchema,
  /** The test provider plays the provider's answer: success (default) or a declined card. */
  outcome: z.enum(["succeed", "fail"]).default("succeed"),
});
export type ConfirmTestPaymentInput = z.infer<typeof confirmTestPaymentInput>;

export const orderListInput = z.strictObject({ ...pageInput });
export type OrderListInput = z.infer<typeof orderListInput>;

export const orderCancelInput = z.strictObject({
  id: idSchema,
  /** Cancel only this shop's part of the order; without it, every part that has not shipped. */
  sellerOrderId: idSchema.optional(),
});
export type OrderCancelInput = z.infer<typeof orderCancelInput>;

export const sellerOrderListInput = z.strictObject({ status: orderStatusSchema.optional(), ...pageInput });
export type SellerOrderListInput = z.infer<typeof sellerOrderListInput>;

/** The statuses a seller may move an order to; cancelling has its own procedure. */
export const SELLER_STATUS_TARGETS = ["PROCESSING", "SHIPPED", "DELIVERED"] as const;

export const sellerOrderUpdateStatusInput = z
  .strictObject({
    id: idSchema,
    status: z.enum(SELLER_STATUS_TARGETS),
    trackingNumber: text().trim().min(3, "Use at least 3 characters").max(64, "Use at most 64 characters").optional(),
  })
  .refine((v) => v.status !== "SHIPPED" || Boolean(v.trackingNumber), {
    message: "Enter the tracking number",
    path: ["trackingNumber"],
  });
export type SellerOrderUpdateStatusInput = z.infer<typeof sellerOrderUpdateStatusInput>;
