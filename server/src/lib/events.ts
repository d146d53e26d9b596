import { randomUUID } from "node:crypto";
import type { EventMeta, ServerEventName, ServerEventPayloads } from "@marketplace/shared";

/*
 * What a transaction publishes after its commit, as plain data and one interface (EventSink):
 * lib/transaction.ts flushes a buffer to whatever sink it is given (Socket.IO in the server, an
 * array in tests), and knows nothing of sockets or rooms (realtime/publish.ts names those).
 */

export interface OutgoingEvent<K extends ServerEventName = ServerEventName> {
  name: K;
  rooms: string[];
  payload: ServerEventPayloads[K] & EventMeta;
  /** When the transaction's events were handed to the sink (performance.now()): the start of the emit delay metric. */
  flushedAt?: number;
}

/**
 * Moves the sockets already in any room of `of` (e.g. `user:<id>`, or product rooms themselves)
 * into or out of `rooms`, on every replica: how a committed change of who may hear what (a role change, a
 * product leaving the catalog) reaches sockets that are already open.
 */
export interface RoomChange {
  action: "join" | "leave";
  of: string[];
  rooms: string[];
}

/**
 * Where committed events go: Socket.IO (through Redis when configured) in the server, an array
 * in tests. Also told when sessions are revoked, so their sockets can be disconnected, and when
 * sockets must change rooms.
 */
export interface EventSink {
  /** Applied before the `emit` of the same transaction, so its events already follow the new rooms. */
  roomsChanged(changes: RoomChange[]): void;
  emit(events: OutgoingEvent[]): void;
  sessionsRevoked(sessionIds: string[]): void;
}

/**
 * Collects the events of one transaction. Services add to it while they write; the caller
 * flushes it only after the commit, so a rolled-back transaction emits nothing and moves no socket.
 */
export class EventBuffer {
  private readonly roomChanges: RoomChange[] = [];
  private readonly events: OutgoingEvent[] = [];
  private readonly revokedSessions: string[] = [];

  add<K extends ServerEventName>(name: K, targetRooms: string[], payload: ServerEventPayloads[K]): void {
    const meta: EventMeta = { id: randomUUID(), at: new Date().toISOString() };
    this.events.push({ name, rooms: targetRooms, payload: { ...payload, ...meta } } as OutgoingEvent);
  }

  /** The sockets in room `of` leave `targetRooms` (e.g. a demoted admin's sockets leave `admins`). */
  leaveRooms(of: string, targetRooms: string[]): void {
    if (targetRooms.length) this.roomChanges.push({ action: "leave", of: [of], rooms: targetRooms });
  }

  /** The sockets in room `of` join `targetRooms` (e.g. a new admin's sockets join `admins`). */
  joinRooms(of: string, targetRooms: string[]): void {
    if (targetRooms.length) this.roomChanges.push({ action: "join", of: [of], rooms: targetRooms });
  }

  /**
   * Every socket in these rooms leaves them: a product's watchers once it is off the catalog, or
   * those of every product of a suspended shop (one change, however many products).
   */
  emptyRooms(targetRooms: string[]): void {
    if (targetRooms.length) this.roomChanges.push({ action: "leave", of: targetRooms, rooms: targetRooms });
  }

  revokeSessions(ids: string[]): void {
    this.revokedSessions.push(...ids);
  }

  /** Room changes first: the events of the same transaction must not reach a socket that just lost its right to them. */
  flushTo(sink: EventSink): void {
    if (this.roomChanges.length) sink.roomsChanged(this.roomChanges.splice(0));
    if (this.events.length) {
      const flushedAt = performance.now();
      sink.emit(this.events.splice(0).map((e) => ({ ...e, flushedAt })));
    }
    if (this.revokedSessions.length) sink.sessionsRevoked(this.revokedSessions.splice(0));
  }
}
