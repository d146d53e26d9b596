/**
 * IPC between the bench runner (which holds the client sockets) and a server child process (ours,
 * server-process.ts, or the raw floor, server-raw.ts); stopping is SIGTERM (lib/processes.ts).
 * Times are `performance.timeOrigin + performance.now()` in each process (epoch ms, sub-ms
 * resolution); the runner measures the offset between the two clocks with `clock` pings.
 */

export interface PublishRequest {
  type: "publish";
  seq: number;
  productId: string;
  variantId: string;
  /** The buyer whose user room receives the `order.updated`; null: the stock event only. */
  buyerId: string | null;
  /** False: the transaction adds the `order.updated` only (the "user event alone" figures). */
  productEvent: boolean;
}

export type ToServer =
  | PublishRequest
  | { type: "clock"; sentAt: number }
  | { type: "stats"; gc: boolean };

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface ServerStats {
  memory: MemorySample;
  /** Sockets connected to this process. */
  sockets: number;
  /** Local members of each room the runner asked about. */
  productRoom: number;
  userRooms: number;
  /** CPU time of the process so far, µs. */
  cpuUser: number;
  cpuSystem: number;
}

export type FromServer =
  | { type: "ready"; url: string; cookieName: string; pid: number }
  | { type: "cpu"; userMs: number; systemMs: number }
  | { type: "clock"; sentAt: number; serverNow: number }
  | { type: "stats"; stats: ServerStats }
  | {
      type: "published";
      seq: number;
      /** Before `$transaction` started. */
      startedAt: number;
      /** Just after the commit, when the events are handed to the sink (Socket.IO). */
      committedAt: number;
      /** After the sink returned: the synchronous part of the fan-out is done. */
      emittedAt: number;
    }
  | { type: "error"; message: string };

/** High-resolution wall clock, comparable between processes on one machine. */
export const clock = () => performance.timeOrigin + performance.now();

/** A Socket.IO event packet as engine.io carries it over a WebSocket: "4" (message), "2" (event), the JSON array. */
export const socketIoEventPacket = (name: string, payload: unknown) => `42${JSON.stringify([name, payload])}`;
