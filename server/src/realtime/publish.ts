import type { EventSink } from "../lib/events.ts";

export { EventBuffer, type EventSink, type OutgoingEvent, type RoomChange } from "../lib/events.ts";

/** Rooms are chosen by the server only; these builders are the only way to name one. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  /** Every member of a shop. */
  shop: (shopId: string) => `shop:${shopId}`,
  /** The members whose role sees money (`money.read`): events that carry prices and totals. */
  shopMoney: (shopId: string) => `shop-money:${shopId}`,
  product: (productId: string) => `product:${productId}`,
  /** Visitors of a shop's public page (its owner's private room is `shop:`). */
  shopPage: (shopId: string) => `shop-page:${shopId}`,
  admins: () => "admins",
} as const;

/** Drops everything: for scripts (seed, migrate) that run without a real-time server. */
export const nullSink: EventSink = { roomsChanged() {}, emit() {}, sessionsRevoked() {} };

/** Sends to several sinks (the sockets, and a recorder in tests). */
export function teeSink(...sinks: EventSink[]): EventSink {
  return {
    roomsChanged: (changes) => sinks.forEach((s) => s.roomsChanged(changes)),
    emit: (events) => sinks.forEach((s) => s.emit(events)),
    sessionsRevoked: (ids) => sinks.forEach((s) => s.sessionsRevoked(ids)),
  };
}
