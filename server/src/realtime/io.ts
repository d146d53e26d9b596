import type { Server as HttpServer } from "node:http";
import { fastifyCookie } from "@fastify/cookie";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import {
  watchProductInput,
  watchShopInput,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "@marketplace/shared";
import { Server, type Socket } from "socket.io";
import type { Role } from "@marketplace/shared";
import { resolveSession } from "../modules/auth/session.service.ts";
import { mustSetUpTwoFactor } from "../modules/auth/two-factor-policy.ts";
import { isProductVisible } from "../modules/catalog/catalog.service.ts";
import { sessionCookie } from "../modules/auth/session-cookie.ts";
import type { AppDeps } from "../scope.ts";
import { membershipsOf } from "../modules/teams/membership.ts";
import { shopRoomsFor } from "../modules/teams/team-rooms.ts";
import { rooms, type EventSink, type OutgoingEvent, type RoomChange } from "./publish.ts";
import { connectAdapterRedis, type AdapterRedis } from "./redis.ts";
import { holdReplays } from "./recovery.ts";
import { StockThrottle } from "./stock-throttle.ts";
import { withTimeout } from "../lib/timeout.ts";
import { attachConnectionLimits, type ConnectionLimits, type EngineServer } from "./connection-limits.ts";

/** What the server knows of a socket; rooms are derived from it, never from the client. */
export interface SocketData {
  userId: string | null;
  sessionId: string | null;
  /**
   * The role at the handshake, read once to pick the rooms joined at connection. A later role
   * change moves the socket's rooms instead (EventSink.roomsChanged); nothing reads this after.
   */
  role: Role | null;
  /** The rooms of the shops this user works in (shop, and its money room for roles that see prices): joined at connection. */
  shopRooms: string[];
  tokens: number;
  refilledAt: number;
}

export type MarketplaceIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type MarketplaceSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A product's watchers get at most one round of `stock.changed` per this many ms (stock-throttle.ts). */
export const STOCK_EVENT_WINDOW_MS = 100;

/**
 * Entries kept in the Redis stream (about): how far back a returning socket can be replayed, and
 * what Redis holds for it (a few hundred bytes each).
 */
export const REPLAY_STREAM_LENGTH = 50_000;

/** Per-socket limits: a flood or an oversized packet costs that socket, not the process. */
export const SOCKET_LIMITS = {
  eventsPerSecond: 10,
  burst: 20,
  maxPayloadBytes: 16 * 1024,
  maxWatchedProducts: 50,
} as const;

const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface Realtime {
  io: MarketplaceIo;
  sink: EventSink;
  /** Per-IP socket limits (SECURITY 39). */
  connectionLimits: ConnectionLimits;
  /**
   * Resolves true once this process receives what other processes publish (the Redis adapter's
   * subscriptions are in place; at once without Redis), or false after `timeoutMs` (Redis
   * unreachable: the process serves on, its events local-only until Redis returns).
   */
  ready(timeoutMs: number): Promise<boolean>;
  /**
   * Sends what the stock throttle still holds, waits (at most SOCKET_CLOSE_WAIT_MS) until the
   * events emitted so far have reached this process's sockets, then closes every socket's
   * connection without telling it to stay away: its client reconnects (to another replica behind
   * a balancer) and, within SOCKET_RECOVERY_SECONDS, gets its rooms back and the events it missed
   * meanwhile.
   */
  closeSockets(): Promise<void>;
  /** Closes the adapter and Redis, once what was published and the closed sockets' sessions are sent. */
  close(): Promise<void>;
}

type Log = (level: "info" | "warn", msg: string) => void;

/**
 * Socket.IO on the app's HTTP server: handshakes authenticated by the session cookie, foreign
 * origins refused, rooms chosen by the server, and — with REDIS_URL — the Redis adapter so that
 * events and disconnections reach the sockets of every server process.
 */
export function attachRealtime(httpServer: HttpServer, deps: AppDeps, log: Log): Realtime {
  const { config, database } = deps;
  const cookieName = sessionCookie(config).name;
  const io: MarketplaceIo = new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    maxHttpBufferSize: SOCKET_LIMITS.maxPayloadBytes,
    // A socket cut off (a replica stopping, a network change) and back within this time gets its
    // rooms and missed events back (recovery.ts); the middleware runs again, so who it is is checked anew.
    ...(config.SOCKET_RECOVERY_SECONDS > 0
      ? { connectionStateRecovery: { maxDisconnectionDuration: config.SOCKET_RECOVERY_SECONDS * 1000, skipMiddlewares: false } }
      : {}),
    cors: config.corsOrigins.length ? { origin: config.corsOrigins, credentials: true } : undefined,
    // Cross-site WebSocket hijacking: a browser always names the page's origin; one that is not
    // this app's own (or a configured one) is refused before any cookie is looked at. Then an IP
    // holding its share of open sockets is refused (connection-limits.ts).
    allowRequest(req, callback) {
      const origin = req.headers.origin;
      const host = req.headers.host;
      const own = host ? [`http://${host}`, `https://${host}`] : [];
      if (origin && !own.includes(origin) && !config.corsOrigins.includes(origin)) return callback("Origin not allowed", false);
      if (!connectionLimits.mayConnect(req)) return callback("Too many connections from this address", false);
      callback(null, true);
    },
  });
  const connectionLimits = attachConnectionLimits(io.engine as unknown as EngineServer, deps.limits, config);

  let redis: AdapterRedis | undefined;
  if (config.REDIS_URL) {
    redis = connectAdapterRedis(config.REDIS_URL, log);
    // Events go through a Redis stream that every process reads: a socket that comes back to
    // another process is replayed what it missed from there (pub/sub keeps nothing).
    io.adapter(
      createAdapter(redis.client, {
        streamName: `${config.REDIS_KEY_PREFIX}socket.io`,
        channelPrefix: `${config.REDIS_KEY_PREFIX}socket.io`,
        sessionKeyPrefix: `${config.REDIS_KEY_PREFIX}socket.io:session:`,
        maxLen: REPLAY_STREAM_LENGTH,
      }),
    );
  }
  const replays = holdReplays(io.of("/").adapter);
  const broadcasts = trackBroadcasts(io.of("/").adapter);
  // Read on scrape: this process's open sockets, and whether events reach the other replicas.
  const unwatchSockets = deps.metrics.watchSockets(() => io.of("/").sockets.size);
  const pair = redis;
  const unwatchRedis = pair ? deps.metrics.watchRedis("realtime", () => pair.client.status === "ready") : () => {};

  /**
   * Who is behind a new socket: the session cookie's user and their shop, or a guest. A socket
   * coming back (connection state recovery) is replayed what it missed only when it is still the
   * same person with the same rights; otherwise it leaves the rooms it had and starts afresh.
   */
  async function identify(socket: MarketplaceSocket): Promise<void> {
    const before = socket.recovered ? socket.data : null;
    const data: SocketData = { userId: null, sessionId: null, role: null, shopRooms: [], tokens: SOCKET_LIMITS.burst, refilledAt: Date.now() };
    await whoIs(socket, data);
    socket.data = data;
    if (!before) return;
    const same = before.userId === data.userId && before.sessionId === data.sessionId && before.role === data.role && sameRooms(before.shopRooms, data.shopRooms);
    if (same) return replays.release(socket);
    replays.drop(socket);
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
  }

  async function whoIs(socket: MarketplaceSocket, data: SocketData): Promise<void> {
    const cookies = fastifyCookie.parse(socket.handshake.headers.cookie ?? "");
    const token = cookies[cookieName];
    const session = token && token.length <= 128 ? await resolveSession(database.prisma, token) : null;
    if (session) {
      data.userId = session.user.id;
      data.sessionId = session.id;
      // An admin held at the two-factor set-up hears nothing meant for admins.
      data.role = mustSetUpTwoFactor(session.user, config) ? null : session.user.role;
      // Looked up before the connection is accepted, so the socket is in all its rooms the
      // moment the client sees "connect": no event committed after that can miss it.
      const memberships = await membershipsOf(database.prisma, session.user.id);
      data.shopRooms = memberships.flatMap((m) => shopRoomsFor(m.shop.id, m.role));
    }
  }

  // Socket.IO's middleware is callback-style: the connection waits for `next`, told of a failure.
  io.use((socket, next) => {
    identify(socket).then(
      () => next(),
      (err: unknown) => next(err as Error),
    );
  });

  io.on("connection", (socket) => {
    socket.use((_packet, next) => (takeToken(socket) ? next() : socket.disconnect(true)));
    socket.on("product.watch", (input, ack) => {
      const parsed = watchProductInput.safeParse(input);
      if (!parsed.success) return reply(ack, { ok: false, error: "Invalid input" });
      const { productId } = parsed.data;
      void watchPublic(socket, rooms.product(productId), () => isProductVisible(database, productId), "Product", ack);
    });
    socket.on("product.unwatch", (input, ack) => {
      const parsed = watchProductInput.safeParse(input);
      if (!parsed.success) return reply(ack, { ok: false, error: "Invalid input" });
      void socket.leave(rooms.product(parsed.data.productId));
      reply(ack, { ok: true });
    });
    socket.on("shop.watch", (input, ack) => {
      const parsed = watchShopInput.safeParse(input);
      if (!parsed.success) return reply(ack, { ok: false, error: "Invalid input" });
      const { shopId } = parsed.data;
      void watchPublic(socket, rooms.shopPage(shopId), () => isShopVisible(shopId), "Shop", ack);
    });
    socket.on("shop.unwatch", (input, ack) => {
      const parsed = watchShopInput.safeParse(input);
      if (!parsed.success) return reply(ack, { ok: false, error: "Invalid input" });
      void socket.leave(rooms.shopPage(parsed.data.shopId));
      reply(ack, { ok: true });
    });
    // Public rooms given back to a returning socket are checked again: a product or shop taken off
    // the catalog meanwhile emptied its room while this socket was away.
    if (socket.recovered) {
      for (const room of socket.rooms) {
        const visible = isProductRoom(room)
          ? () => isProductVisible(database, room.slice(rooms.product("").length))
          : room.startsWith(rooms.shopPage(""))
            ? () => isShopVisible(room.slice(rooms.shopPage("").length))
            : null;
        if (visible) void visible().then((ok) => ok || socket.leave(room), () => socket.leave(room));
      }
    }
    const { userId, sessionId, role, shopRooms } = socket.data;
    if (userId && sessionId) {
      const own = [rooms.user(userId), sessionRoom(sessionId)];
      if (role === "ADMIN") own.push(rooms.admins());
      own.push(...shopRooms);
      void socket.join(own);
    }
  });

  /** The same shop rooms (memberships and roles), in any order. */
  function sameRooms(a: readonly string[] | undefined, b: readonly string[]): boolean {
    return !!a && a.length === b.length && a.every((r) => b.includes(r));
  }

  /** An active shop's public page may be watched. */
  async function isShopVisible(shopId: string): Promise<boolean> {
    return (await database.prisma.shop.count({ where: { id: shopId, status: "ACTIVE" } })) > 0;
  }

  /** Joins a public room (a product's or a shop page's) once what it shows is visible to buyers. */
  async function watchPublic(socket: MarketplaceSocket, room: string, isVisible: () => Promise<boolean>, what: string, ack: unknown) {
    // Counted from the socket's rooms: a product or shop taken off the catalog empties its room on
    // every replica (roomsChanged), and so stops counting here too.
    const watching = [...socket.rooms].filter(isPublicRoom).length;
    if (!socket.rooms.has(room) && watching >= SOCKET_LIMITS.maxWatchedProducts) {
      return reply(ack, { ok: false, error: "Watching too many products" });
    }
    const visible = () => isVisible().catch(() => false);
    if (!(await visible())) return reply(ack, { ok: false, error: `${what} not found` });
    await socket.join(room);
    // Checked again once in the room: one taken off the catalog between the first check and the
    // join had its room emptied before this socket was in it.
    if (!(await visible())) {
      await socket.leave(room);
      return reply(ack, { ok: false, error: `${what} not found` });
    }
    reply(ack, { ok: true });
  }

  /**
   * Applied to this process's sockets at once, then through the adapter to the other replicas.
   * The Redis adapter applies a cluster-wide change to its own process only when its message
   * comes back from Redis (never while Redis is down), whereas the events that follow are
   * broadcast to local sockets at once: without the local step a demoted admin on this replica
   * would still hear the activity of their own demotion.
   */
  function changeRooms({ action, of, rooms: target }: RoomChange) {
    const targets = redis ? [io.local.in(of), io.in(of)] : [io.in(of)];
    for (const op of targets) {
      if (action === "join") op.socketsJoin(target);
      else op.socketsLeave(target);
    }
  }

  const emitNow = (e: OutgoingEvent) => {
    if (!e.rooms.length) return;
    io.to(e.rooms).emit(e.name, e.payload as never);
    // From the commit to here: the wait behind this transaction's other events and the stock throttle.
    if (e.flushedAt !== undefined) deps.metrics.eventDelay.observe({ event: e.name }, (performance.now() - e.flushedAt) / 1000);
  };
  const stockThrottle = new StockThrottle(emitNow, STOCK_EVENT_WINDOW_MS);
  let socketsClosed: Promise<void> | undefined;

  const sink: EventSink = {
    roomsChanged(changes: RoomChange[]) {
      changes.forEach(changeRooms);
    },
    emit(events: OutgoingEvent[]) {
      // A product room may hold thousands of watchers, and Socket.IO writes to them synchronously:
      // the events for people (user, shop, admins) go first, so an order update never waits
      // behind a stock fan-out of the same transaction.
      const personal = events.filter((e) => !e.rooms.some(isPublicRoom));
      const broadcast = events.filter((e) => e.rooms.some(isPublicRoom));
      personal.forEach(emitNow);
      for (const e of broadcast) {
        if (e.name === "stock.changed") stockThrottle.push(e as OutgoingEvent<"stock.changed">);
        else emitNow(e);
      }
    },
    sessionsRevoked(ids: string[]) {
      if (ids.length) io.in(ids.map(sessionRoom)).disconnectSockets(true);
    },
  };

  return {
    io,
    sink,
    connectionLimits,
    async ready(timeoutMs) {
      if (!redis) return true;
      return redis.connected(timeoutMs);
    },
    closeSockets() {
      socketsClosed ??= (async () => {
        stockThrottle.close();
        const deadline = Date.now() + SOCKET_CLOSE_WAIT_MS;
        // The events already emitted reach this process's own sockets first. With Redis the
        // adapter writes each to the stream and to the local sockets only once Redis has answered
        // (with the offset a returning socket is replayed from): closed before that, a socket
        // misses the events of the requests that ended just now, and one that had heard no event
        // yet has no offset to come back from at all (it comes back as a new socket, without them).
        await broadcasts.settled(deadline - Date.now());
        await writeBuffersSent(io.engine as unknown as WritingEngine, deadline - Date.now());
        // The engine closes each connection ("forced close"): no DISCONNECT packet, which a client
        // takes as "io server disconnect" and never reconnects after. The client sees "transport
        // close" and reconnects; the server keeps the socket's session for its return. What is
        // still unsent past the deadline is discarded: the returning socket is replayed it.
        io.engine.close();
      })();
      return socketsClosed;
    },
    /** The HTTP server is Fastify's to close. */
    async close() {
      await this.closeSockets();
      unwatchSockets();
      unwatchRedis();
      replays.close();
      await redis?.close();
    },
  };
}

/** How long closing the sockets waits for the last events to reach them (then closes them anyway). */
export const SOCKET_CLOSE_WAIT_MS = 2_000;

/**
 * The broadcasts under way. The cluster adapters' `broadcast` is async: it publishes the event
 * (XADD) and writes it to this process's sockets once that has settled.
 */
function trackBroadcasts(adapter: { broadcast(...args: never[]): unknown }) {
  const pending = new Set<Promise<unknown>>();
  const broadcast = adapter.broadcast.bind(adapter) as (...args: unknown[]) => unknown;
  (adapter as { broadcast(...args: unknown[]): unknown }).broadcast = (...args) => {
    const result = broadcast(...args);
    if (result instanceof Promise) {
      const done = () => pending.delete(result);
      pending.add(result);
      result.then(done, done);
    }
    return result;
  };
  return {
    /** Resolves once every broadcast started before (or while waiting) has settled, or after `timeoutMs`. */
    async settled(timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (pending.size && Date.now() < deadline) {
        await withTimeout(Promise.allSettled([...pending]), deadline - Date.now()).catch(() => {});
      }
    },
  };
}

/** What writeBuffersSent needs of engine.io's server and its sockets (Socket.IO types them private). */
interface WritingEngine {
  clients: Record<string, { writeBuffer: unknown[]; once(event: "drain" | "close", listener: () => void): void }>;
}

/**
 * Resolves once every engine.io connection has handed what is queued for it to its transport, or
 * after `timeoutMs`. A WebSocket takes one write at a time: packets written meanwhile wait in the
 * connection's buffer, which a forced close (engine.close()) discards, whereas what was handed to
 * the WebSocket goes out before its close frame.
 */
async function writeBuffersSent(engine: WritingEngine, timeoutMs: number): Promise<void> {
  const waiting = Object.values(engine.clients).filter((c) => c.writeBuffer.length > 0);
  if (!waiting.length || timeoutMs <= 0) return;
  const sent = waiting.map(
    (c) =>
      new Promise<void>((resolve) => {
        c.once("drain", resolve);
        c.once("close", resolve);
      }),
  );
  await withTimeout(Promise.all(sent), timeoutMs).catch(() => {});
}

/** Token bucket: `eventsPerSecond` sustained, `burst` at once. */
function takeToken(socket: MarketplaceSocket): boolean {
  const d = socket.data;
  const now = Date.now();
  d.tokens = Math.min(SOCKET_LIMITS.burst, d.tokens + ((now - d.refilledAt) / 1000) * SOCKET_LIMITS.eventsPerSecond);
  d.refilledAt = now;
  if (d.tokens < 1) return false;
  d.tokens -= 1;
  return true;
}

function reply(ack: unknown, result: Parameters<Ack>[0]) {
  if (typeof ack === "function") (ack as Ack)(result);
}

const isProductRoom = (room: string) => room.startsWith(rooms.product(""));
/** Rooms anyone may ask to join (products and shop pages): broadcasts, and counted per socket. */
const isPublicRoom = (room: string) => isProductRoom(room) || room.startsWith(rooms.shopPage(""));
