import { z } from "zod";
import { idSchema } from "./common.ts";
import type { OrderStatus } from "./enums.ts";
import type { NotificationPayload } from "./notifications.ts";

/**
 * Real-time contract: what the server pushes (after the database commit) and what a client may
 * send. Every event carries an `id` and an `at` timestamp; clients treat events as hints and
 * refetch from the API, which stays the truth.
 */
export interface EventMeta {
  id: string;
  /** ISO timestamp of the commit that caused it. */
  at: string;
}

export interface OrderUpdatedPayload {
  orderId: string;
  sellerOrderId: string;
  status: OrderStatus;
}

export interface OrderCreatedPayload {
  orderId: string;
  sellerOrderId: string;
  totalCents: number;
  currency: string;
  items: { productTitle: string; variantTitle: string; quantity: number }[];
}

export interface StockChangedPayload {
  productId: string;
  variantId: string;
  stock: number;
}

export interface ReviewCreatedPayload {
  reviewId: string;
  productId?: string;
  shopId: string;
  rating: number;
  ratingAvg: number;
  ratingCount: number;
}

/** After an edit, delete, hide, restore or reply: the figures as they are now. */
export interface ReviewUpdatedPayload {
  reviewId: string;
  productId?: string;
  shopId: string;
  ratingAvg: number;
  ratingCount: number;
}

export const ACTIVITY_KINDS = [
  "user.registered",
  "user.role_changed",
  "user.banned",
  "user.unbanned",
  "shop.created",
  "shop.approved",
  "shop.suspended",
  "order.placed",
  "order.paid",
  "order.status_changed",
  "order.cancelled",
  "review.created",
  "review.hidden",
  "review.restored",
  "review.reported",
  "payout.account_updated",
  "payout.transfer_failed",
  "payout.dispute",
  "payout.refund",
  "shop.updated",
  "product.created",
  "product.updated",
  "product.archived",
  "review.replied",
  "team.invited",
  "team.joined",
  "team.role_changed",
  "team.removed",
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityPayload {
  /** The audit row's id (the event's own `id` differs). */
  activityId: string;
  kind: ActivityKind;
  summary: string;
  actorId: string | null;
  actorName: string | null;
  subjectType: string | null;
  subjectId: string | null;
}

/** To a shop's owner when an admin approves, suspends or reopens it. */
export interface ShopUpdatedPayload {
  shopId: string;
  status: "PENDING" | "ACTIVE" | "SUSPENDED";
  reason: string | null;
}

/** To a user whose place in a shop changed: joined, a new role (role), or removed (role null). */
export interface TeamChangedPayload {
  shopId: string;
  role: "OWNER" | "MANAGER" | "FULFILMENT" | "VIEWER" | null;
}

export interface ServerEventPayloads {
  "order.updated": OrderUpdatedPayload;
  "order.created": OrderCreatedPayload;
  "stock.changed": StockChangedPayload;
  "review.created": ReviewCreatedPayload;
  "review.updated": ReviewUpdatedPayload;
  activity: ActivityPayload;
  "shop.updated": ShopUpdatedPayload;
  notification: NotificationPayload;
  "team.changed": TeamChangedPayload;
}
export type ServerEventName = keyof ServerEventPayloads;

export type ServerToClientEvents = {
  [K in ServerEventName]: (event: ServerEventPayloads[K] & EventMeta) => void;
};

/** What a client may ask; every payload is checked with these schemas on the server. */
export const watchProductInput = z.strictObject({ productId: idSchema });
export type WatchProductInput = z.infer<typeof watchProductInput>;
/** A public shop page's live reviews and rating (`review.*` of the shop and its products). */
export const watchShopInput = z.strictObject({ shopId: idSchema });
export type WatchShopInput = z.infer<typeof watchShopInput>;

export type Ack = (result: { ok: true } | { ok: false; error: string }) => void;

export interface ClientToServerEvents {
  "product.watch": (input: WatchProductInput, ack?: Ack) => void;
  "product.unwatch": (input: WatchProductInput, ack?: Ack) => void;
  "shop.watch": (input: WatchShopInput, ack?: Ack) => void;
  "shop.unwatch": (input: WatchShopInput, ack?: Ack) => void;
}
