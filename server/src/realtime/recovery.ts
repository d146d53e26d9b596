/**
 * Socket.IO's connection state recovery gives a returning socket its id, rooms and data back and
 * writes it the packets it missed — in the socket's constructor, before any middleware has looked
 * at who is connecting. A session revoked, or a role lost, while the socket was away would still
 * be replayed what its old rooms heard. So the adapter's restored session is handed over without
 * its missed packets; they are held here until the middleware (io.ts) has checked that the socket
 * is still the same person with the same rights, then written to it (the client keeps them until
 * its "connect", then hands them over in order, before any live event), or dropped.
 */

/** A missed event as the adapter hands it back: the event's arguments, its stream offset last. */
type MissedPacket = unknown[];

interface RestoredSession {
  sid: string;
  missedPackets: MissedPacket[];
}

interface RecoveringAdapter {
  restoreSession(pid: string, offset: string): Promise<RestoredSession | null | undefined>;
}

/** What `socket.packet` needs; Socket.IO types it private, but it is how the library replays itself. */
interface PacketWriter {
  id: string;
  packet(packet: { type: number; data: unknown[] }): void;
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/** A restored socket whose connection closed before its middleware ran: forget what was held for it. */
const HOLD_MS = 60_000;

export interface HeldReplays {
  /** Writes the held packets to the socket (its identity was checked). */
  release(socket: { id: string }): void;
  /** Forgets them (it is not who it was). */
  drop(socket: { id: string }): void;
  close(): void;
}

export function holdReplays(adapter: unknown): HeldReplays {
  const held = new Map<string, { packets: MissedPacket[]; timer: NodeJS.Timeout }>();
  const recovering = adapter as RecoveringAdapter;
  const restore = recovering.restoreSession.bind(recovering);
  recovering.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session?.missedPackets.length) return session;
    const timer = setTimeout(() => held.delete(session.sid), HOLD_MS);
    timer.unref();
    held.set(session.sid, { packets: session.missedPackets, timer });
    return { ...session, missedPackets: [] };
  };
  const take = (id: string) => {
    const entry = held.get(id);
    if (!entry) return [];
    clearTimeout(entry.timer);
    held.delete(id);
    return entry.packets;
  };
  return {
    release(socket) {
      for (const data of take(socket.id)) (socket as PacketWriter).packet({ type: EVENT, data });
    },
    drop(socket) {
      take(socket.id);
    },
    close() {
      for (const { timer } of held.values()) clearTimeout(timer);
      held.clear();
    },
  };
}
