import { io, type Socket } from "socket.io-client";
import type { Account } from "./fixture.ts";
import type { MarketplaceProcess } from "./servers.ts";
import { SESSION_COOKIE } from "./trpc-http.ts";

/** What the soak's sockets saw. */
export interface SocketTally {
  opened: number;
  failedToOpen: number;
  disconnects: Record<string, number>;
  reconnects: number;
  /** Sockets connected when the load stopped. */
  connectedAtEnd: number;
  events: Record<string, number>;
  /** Longest time a socket was away between a disconnect and its reconnect, ms. */
  longestAwayMs: number;
}

interface Spec {
  account: Account | null;
  productId: string | null;
}

/**
 * `count` sockets spread over the servers: signed-in buyers (their user room) and sellers (their
 * shop's room), and anonymous visitors watching a product. A socket whose server goes away
 * reconnects to a server that is up, as the app's own client does (whatever the disconnect's reason).
 */
export class SocketPopulation {
  readonly tally: SocketTally = { opened: 0, failedToOpen: 0, disconnects: {}, reconnects: 0, connectedAtEnd: 0, events: {}, longestAwayMs: 0 };
  private readonly sockets = new Set<Socket>();
  private closing = false;
  private n = 0;

  constructor(private readonly servers: MarketplaceProcess[]) {}

  async open(count: number, buyers: Account[], sellers: Account[], productIds: string[]): Promise<void> {
    const specs: Spec[] = Array.from({ length: count }, (_, i) =>
      i % 10 === 0 && sellers.length ? { account: sellers[i % sellers.length]!, productId: null }
        : i % 3 === 0 ? { account: null, productId: productIds[i % productIds.length]! }
          : { account: buyers[i % buyers.length]!, productId: null },
    );
    for (let i = 0; i < specs.length; i += 25) await Promise.all(specs.slice(i, i + 25).map((s) => this.connect(s, null)));
  }

  private server(): MarketplaceProcess {
    const up = this.servers.filter((s) => s.up);
    const pool = up.length ? up : this.servers;
    return pool[this.n++ % pool.length]!;
  }

  private connect(spec: Spec, awaySince: number | null): Promise<void> {
    const server = this.server();
    const socket = io(server.url, {
      path: "/socket.io",
      transports: ["websocket"],
      extraHeaders: { origin: server.url, ...(spec.account ? { cookie: `${SESSION_COOKIE}=${spec.account.token}` } : {}) },
      reconnection: false,
      forceNew: true,
      timeout: 20_000,
    });
    socket.onAny((event: string) => {
      this.tally.events[event] = (this.tally.events[event] ?? 0) + 1;
    });
    return new Promise<void>((resolve) => {
      socket.once("connect", () => {
        this.sockets.add(socket);
        if (awaySince === null) this.tally.opened += 1;
        else {
          this.tally.reconnects += 1;
          this.tally.longestAwayMs = Math.max(this.tally.longestAwayMs, Math.round(performance.now() - awaySince));
        }
        if (spec.productId) socket.emit("product.watch", { productId: spec.productId }, () => {});
        resolve();
      });
      socket.once("connect_error", () => {
        socket.close();
        if (awaySince === null) this.tally.failedToOpen += 1;
        if (!this.closing && awaySince !== null) setTimeout(() => void this.connect(spec, awaySince), 500);
        resolve();
      });
      socket.on("disconnect", (reason) => {
        this.sockets.delete(socket);
        if (this.closing) return;
        this.tally.disconnects[reason] = (this.tally.disconnects[reason] ?? 0) + 1;
        socket.close();
        const since = performance.now();
        setTimeout(() => void this.connect(spec, since), 200 + Math.random() * 800);
      });
    });
  }

  close(): void {
    this.tally.connectedAtEnd = [...this.sockets].filter((s) => s.connected).length;
    this.closing = true;
    for (const s of this.sockets) s.close();
    this.sockets.clear();
  }
}
