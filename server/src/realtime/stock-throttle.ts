import type { OutgoingEvent } from "./publish.ts";

type StockEvent = OutgoingEvent<"stock.changed">;

/**
 * Bounds how often one product's watchers are sent `stock.changed`. A product room may hold
 * thousands of sockets and each broadcast costs the process ~15 µs of CPU per socket, so a hot
 * product selling 100 times a second would otherwise spend more than the whole CPU on fan-out.
 *
 * The first change of a product is sent at once. Changes arriving within `windowMs` of the last
 * send are held, keeping only the newest stock per variant, and sent together when the window
 * ends. Watchers therefore always end with the latest stock, at most `windowMs` late, and a
 * product's room gets at most one round of events per window.
 */
export class StockThrottle {
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, Map<string, StockEvent>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly send: (event: StockEvent) => void,
    private readonly windowMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  push(event: StockEvent): void {
    const { productId, variantId } = event.payload;
    const last = this.lastSent.get(productId);
    const t = this.now();
    if (last === undefined || t - last >= this.windowMs) {
      this.lastSent.set(productId, t);
      this.send(event);
      this.forgetLater(productId);
      return;
    }
    const held = this.held.get(productId) ?? new Map<string, StockEvent>();
    held.set(variantId, event); // a newer stock of the same variant replaces the held one
    this.held.set(productId, held);
    if (!this.timers.has(productId)) {
      this.timers.set(
        productId,
        setTimeout(() => this.flush(productId), last + this.windowMs - t),
      );
    }
  }

  /** Sends everything held at once (at shutdown) and stops the timers. */
  close(): void {
    for (const productId of [...this.timers.keys()]) this.flush(productId);
    this.lastSent.clear();
  }

  private flush(productId: string): void {
    clearTimeout(this.timers.get(productId));
    this.timers.delete(productId);
    const held = this.held.get(productId);
    this.held.delete(productId);
    if (!held?.size) return;
    this.lastSent.set(productId, this.now());
    for (const event of held.values()) this.send(event);
    this.forgetLater(productId);
  }

  /** Drops a quiet product's last-send time, so the map holds only products sold recently. */
  private forgetLater(productId: string): void {
    const sentAt = this.lastSent.get(productId);
    setTimeout(() => {
      if (this.lastSent.get(productId) === sentAt && !this.timers.has(productId)) this.lastSent.delete(productId);
    }, this.windowMs).unref();
  }
}
