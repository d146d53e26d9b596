import { z } from "zod";
import { idSchema, pageInput, text } from "./common.ts";

/**
 * What an in-app notification is about. Sellers: new orders and reviews; buyers: their orders'
 * status and replies to their reviews; admins: reported reviews and shops awaiting approval.
 */
export const NOTIFICATION_KINDS = [
  "order.paid",
  "order.new",
  "order.status",
  "shop.decided",
  "review.new",
  "review.reply",
  "review.reported",
  "shop.pending",
  "payout.dispute",
  "payout.failed",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notificationListInput = z.strictObject({
  cursor: pageInput.cursor,
  limit: z.number().int().min(1).max(50).default(20),
  unreadOnly: z.boolean().default(false),
});
export type NotificationListInput = z.infer<typeof notificationListInput>;

/** The live `notification` event, to the user's room, after the commit that wrote it. */
export interface NotificationPayload {
  notificationId: string;
  kind: NotificationKind;
  text: string;
  /** A path inside the app, or null. */
  link: string | null;
}

/** Turns one kind of non-security email on or off (the keys come from `mail.preferences`). */
export const mailPreferenceInput = z.strictObject({
  kind: text().trim().min(1).max(64),
  enabled: z.boolean(),
});
export type MailPreferenceInput = z.infer<typeof mailPreferenceInput>;

export const mailListInput = z.strictObject({
  cursor: pageInput.cursor,
  limit: z.number().int().min(1).max(50).default(20),
});
export type MailListInput = z.infer<typeof mailListInput>;

export const mailByIdInput = z.strictObject({ id: idSchema });
