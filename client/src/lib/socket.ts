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
 * 3. On every reconnect the product and shop-page watches still wanted are sent again, and the active queries
 *    refetch: events missed while away are not replayed, the API is the truth.
 */
type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type LiveStatus = "connecting" | "live" | "reconnecting";

const status = ref<LiveStatus>("connecting");
/** "Live" / "Reconnecting…" in the footer. */
export const liveStatus = readonly(status);

let socket: AppSocket | null = null;
let connectedBefore = false;
/** What a page can watch: a product (stock, reviews) or a shop's public page (its reviews). */
type WatchKind = "product" | "shop";
/** "product:<id>" / "shop:<id>" → how many mounted components want it watched. */
const wanted = new Map<string, number>();
/** The keys the server has acknowledged on the current connection. */
const acknowledged = reactive(new Set<string>());
const keyOf = (kind: WatchKind, id: string) => `${kind}:${id}`;

const kick = { count: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined, stableTimer: undefined as ReturnType<typeof setTimeout> | undefined };

function backoff(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function sendWatch(key: string) {
  const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  const done = (result: { ok: boolean }) => {
    if (result.ok && wanted.has(key)) acknowledged.add(key);
  };
  if (kind === "shop") socket?.emit("shop.watch", { shopId: id }, done);
  else socket?.emit("product.watch", { productId: id }, done);
}

function onConnect() {
  status.value = "live";
  acknowledged.clear();
  for (const key of wanted.keys()) sendWatch(key);
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

function watchTarget(kind: WatchKind, id: string): void {
  const key = keyOf(kind, id);
  const n = wanted.get(key) ?? 0;
  wanted.set(key, n + 1);
  if (n === 0 && socket?.connected) sendWatch(key);
}

function unwatchTarget(kind: WatchKind, id: string): void {
  const key = keyOf(kind, id);
  const n = wanted.get(key) ?? 0;
  if (n > 1) {
    wanted.set(key, n - 1);
    return;
  }
  wanted.delete(key);
  acknowledged.delete(key);
  if (n !== 1 || !socket?.connected) return;
  if (kind === "shop") socket.emit("shop.unwatch", { shopId: id });
  else socket.emit("product.unwatch", { productId: id });
}

export const watchProduct = (productId: string) => watchTarget("product", productId);
export const unwatchProduct = (productId: string) => unwatchTarget("product", productId);

/**
 * Watches a product (its `stock.changed` and `review.*` events) or a shop's page (its `review.*`)
 * while the calling component is mounted, following the id if it changes. `watching` turns true
 * once the server has acknowledged the watch on the current connection.
 */
function useWatch(kind: WatchKind, targetId: MaybeRefOrGetter<string | null | undefined>) {
  // A server-rendered page watches nothing: its component is never unmounted there, so a watch
  // would never be let go; the browser's hydrated copy watches.
  if (import.meta.env.SSR) return { watching: computed(() => false) };
  let current: string | null = null;
  watch(
    () => toValue(targetId) || null,
    (id) => {
      if (id === current) return;
      if (current) unwatchTarget(kind, current);
      current = id;
      if (id) watchTarget(kind, id);
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    if (current) unwatchTarget(kind, current);
    current = null;
  });
  const watching = computed(() => {
    const id = toValue(targetId);
    return !!id && status.value === "live" && acknowledged.has(keyOf(kind, id));
  });
  return { watching };
}

export const useWatchProduct = (productId: MaybeRefOrGetter<string | null | undefined>) => useWatch("product", productId);
export const useWatchShop = (shopId: MaybeRefOrGetter<string | null | undefined>) => useWatch("shop", shopId);
