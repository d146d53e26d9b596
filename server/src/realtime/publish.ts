import { randomUUID } from "node:crypto";
import type { EventMeta, ServerEventName, ServerEventPayloads } from "@marketplace/shared";

/** Rooms are chosen by the server only; these builders are the only way to name one. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  shop: (shopId: string) => `shop:${shopId}`,
  product: (productId: string) => `product:${productId}`,
  admins: () => "admins",
} as const;

export interface OutgoingEvent<K extends ServerEventName = ServerEventName> {
  name: K;
  rooms: string[];
  payload: ServerEventPayloads[K] & EventMeta;
}

/**
 * Where committed events go: Socket.IO (through Redis when configured) in the server, an array
 * in tests. Also told when sessions are revoked, so their sockets can be disconnected.
 */
export interface EventSink {
  emit(events: OutgoingEvent[]): void;
  sessionsRevoked(sessionIds: string[]): void;
}

/** Drops everything: for scripts (seed, migrate) that run without a real-time server. */
export const nullSink: EventSink = { emit() {}, sessionsRevoked() {} };

/**
 * Collects the events of one transaction. Services add to it while they write; the caller
 * flushes it only after the commit, so a rolled-back transaction emits nothing.
 */
export class EventBuffer {
  private readonly events: OutgoingEvent[] = [];
  private readonly revokedSessions: string[] = [];

  add<K extends ServerEventName>(name: K, targetRooms: string[], payload: ServerEventPayloads[K]): void {
    const meta: EventMeta = { id: randomUUID(), at: new Date().toISOString() };
    this.events.push({ name, rooms: targetRooms, payload: { ...payload, ...meta } } as OutgoingEvent);
  }

  revokeSessions(ids: string[]): void {
    this.revokedSessions.push(...ids);
  }

  flushTo(sink: EventSink): void {
    if (this.events.length) sink.emit(this.events.splice(0));
    if (this.revokedSessions.length) sink.sessionsRevoked(this.revokedSessions.splice(0));
  }
}

/** Sends to several sinks (the sockets, and a recorder in tests). */
export function teeSink(...sinks: EventSink[]): EventSink {
  return {
    emit: (events) => sinks.forEach((s) => s.emit(events)),
    sessionsRevoked: (ids) => sinks.forEach((s) => s.sessionsRevoked(ids)),
  };
}
