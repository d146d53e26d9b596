import type { ClientToServerEvents, ServerEventName, ServerToClientEvents } from "@marketplace/shared";
import { io, type Socket } from "socket.io-client";
import { computed, onScopeDispose, reactive, readonly, ref, toValue, watch, type MaybeRefOrGetter } from "vue";
import { queryClient, type Me } from "./query.ts";
import { queryKeys } from "./query-keys.ts";

/**
 * The app's one Socket.IO connection.
 *
 * 1. It connects at start (anonymous unless a session cookie is there) and reconnects whenever
 *    the signed-in user or their role changes, so the handshake carries the new cookie and the
 *    server puts the socket in the right rooms (user, shop, admins).
 * 2. Dropped connections come back by socket.io's own reconnection (exponential backoff with
 *    randomization). A server-side disconnect (a revoked session: sign-out elsewhere, ban,
 *    password change) is final for socket.io, so here `me` is refetched and the socket reconnects
 *    as whoever the cookie now says (usually nobody), with a backoff of its own.
 * 3. On every reconnect the product watches still wanted are sent again, and the active queries
 *    refetch: events missed while away are not replayed, the API is the truth.
 */
type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type LiveStatus = "connecting" | "live" | "reconnecting";

const status = ref<LiveStatus>("connecting");
/** "Live" / "Reconnecting…" in the footer. */
export const liveStatus = readonly(status);

let socket: AppSocket | null = null;
let connectedBefore = false;
/** Product id → how many mounted components want it watched. */
const wanted = new Map<string, number>();
/** Product ids the server has acknowledged on the current connection. */
const acknowledged = reactive(new Set<string>());

const kick = { count: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined, stableTimer: undefined as ReturnType<typeof setTimeout> | undefined };

function backoff(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function sendWatch(productId: string) {
  socket?.emit("product.watch", { productId }, (result) => {
    if (result.ok && wanted.has(productId)) acknowledged.add(productId);
  });
}

function onConnect() {
  status.value = "live";
  acknowledged.clear();
  for (const productId of wanted.keys()) sendWatch(productId);
  // The first connection comes with the page's first fetches; later ones may have missed events.
  if (connectedBefore) void queryClient.invalidateQueries(undefined, { cancelRefetch: false });
  connectedBefore = true;
  clearTimeout(kick.stableTimer);
  kick.stableTimer = setTimeout(() => (kick.count = 0), 60_000);
}

function onDisconnect(reason: Socket.DisconnectReason) {
  acknowledged.clear();
  clearTimeout(kick.stableTimer);
  if (reason === "io client disconnect") return; // ours: reconnectSocket() connects again
  status.value = "reconnecting";
  if (reason === "io server disconnect") void recoverFromKick();
}

/** The server ended the connection: learn who we are now, then come back (not in a tight loop). */
async function recoverFromKick() {
  await queryClient.invalidateQueries({ queryKey: queryKeys.me }).catch(() => undefined);
  clearTimeout(kick.timer);
  kick.timer = setTimeout(() => {
    if (socket && !socket.active) socket.connect();
  }, backoff(kick.count++));
}

function onConnectError() {
  status.value = connectedBefore ? "reconnecting" : "connecting";
  // A refusal by the server's middleware is not retried by socket.io itself.
  if (socket && !socket.active) {
    clearTimeout(kick.timer);
    kick.timer = setTimeout(() => socket?.connect(), backoff(kick.count++));
  }
}

/** Starts the connection once, for the whole app (main.ts). */
export function startSocket(): void {
  if (socket) return;
  socket = io({
    path: "/socket.io",
    transports: ["websocket", "polling"],
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 30_000,
    randomizationFactor: 0.5,
  });
  socket.on("connect", onConnect);
  socket.on("disconnect", onDisconnect);
  socket.on("connect_error", onConnectError);
  followSignedInUser();
  socket.connect();
}

/** A fresh handshake with the current cookies (after signing in or out, or opening a shop). */
export function reconnectSocket(): void {
  if (!socket) return;
  clearTimeout(kick.timer);
  status.value = connectedBefore ? "reconnecting" : "connecting";
  socket.disconnect();
  socket.connect();
}

/** Reconnects when `me` changes to another user or role (not when it is first learned). */
function followSignedInUser() {
  let known: string | null | undefined;
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated") return;
    const key = event.query.queryKey;
    if (key[0] !== queryKeys.me[0] || key[1] !== queryKeys.me[1]) return;
    const me = event.query.state.data as Me | null | undefined;
    if (me === undefined) return;
    const who = me ? `${me.id}:${me.role}` : null;
    if (known !== undefined && who !== known) reconnectSocket();
    known = who;
  });
}

/**
 * Listens to one server event for as long as the caller wants (returns the unsubscribe).
 * Handlers survive reconnects: there is one socket object for the app's lifetime.
 */
export function onLiveEvent<K extends ServerEventName>(name: K, handler: ServerToClientEvents[K]): () => void {
  if (!socket) startSocket();
  const s = socket!;
  // socket.io's typed `on` cannot relate a generic K to its overloads; the map guarantees it.
  (s.on as (event: string, fn: unknown) => void)(name, handler);
  return () => (s.off as (event: string, fn: unknown) => void)(name, handler);
}

export function watchProduct(productId: string): void {
  const n = wanted.get(productId) ?? 0;
  wanted.set(productId, n + 1);
  if (n === 0 && socket?.connected) sendWatch(productId);
}

export function unwatchProduct(productId: string): void {
  const n = wanted.get(productId) ?? 0;
  if (n > 1) {
    wanted.set(productId, n - 1);
    return;
  }
  wanted.delete(productId);
  acknowledged.delete(productId);
  if (n === 1 && socket?.connected) socket.emit("product.unwatch", { productId });
}

/**
 * Watches a product (its `stock.changed` and `review.*` events) while the calling
 * component is mounted, following the id if it changes. `watching` turns true once the server
 * has acknowledged the watch on the current connection.
 */
export function useWatchProduct(productId: MaybeRefOrGetter<string | null | undefined>) {
  let current: string | null = null;
  watch(
    () => toValue(productId) || null,
    (id) => {
      if (id === current) return;
      if (current) unwatchProduct(current);
      current = id;
      if (id) watchProduct(id);
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    if (current) unwatchProduct(current);
    current = null;
  });
  const watching = computed(() => {
    const id = toValue(productId);
    return !!id && status.value === "live" && acknowledged.has(id);
  });
  return { watching };
}
