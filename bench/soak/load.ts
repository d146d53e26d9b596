import type { SoakFixture, Account } from "./fixture.ts";
import type { MarketplaceProcess } from "./servers.ts";
import { call, type CallResult, type Outcome } from "./trpc-http.ts";

/** The phase a request ended in: the two faults are counted apart from the rest of the run. */
export type Phase = "steady" | "restart" | "db-kill";

/** Counts per action × outcome × phase, and the checkouts' exactly-once evidence. */
export class LoadTally {
  readonly counts: Record<string, Record<Outcome, number>> = {};
  readonly byPhase: Record<Phase, Record<Outcome, number>> = { steady: blank(), restart: blank(), "db-kill": blank() };
  readonly unexpected: { action: string; phase: Phase; status: number; code?: string; server: string }[] = [];
  /** Checkouts answered with an order, and the order per idempotency key. */
  readonly orderByKey = new Map<string, string>();
  /** A key answered with two different orders (must stay 0). */
  keyConflicts = 0;
  /** Checkouts retried with the same key after an error (as a client would). */
  retriedCheckouts = 0;
  phase: Phase = "steady";

  record(action: string, server: string, r: CallResult): void {
    (this.counts[action] ??= blank())[r.outcome] += 1;
    this.byPhase[this.phase][r.outcome] += 1;
    if (r.outcome !== "ok" && r.outcome !== "domain" && this.unexpected.length < 500) {
      this.unexpected.push({ action, phase: this.phase, status: r.status, code: r.code, server });
    }
  }

  get total(): number {
    return Object.values(this.byPhase).reduce((n, p) => n + Object.values(p).reduce((a, b) => a + b, 0), 0);
  }
}

function blank(): Record<Outcome, number> {
  return { ok: 0, domain: 0, "server-error": 0, unavailable: 0, network: 0 };
}

const ADDRESS = { name: "Soak Buyer", line1: "1 Load St", city: "Benchville", postalCode: "12345", country: "US" };

/**
 * The servers a balancer would send to: round robin over the processes that are up; a request
 * that got no answer at all (connection refused or reset) is sent once more to another, as a
 * balancer retries an upstream it could not reach.
 */
export class Balancer {
  private next = 0;
  constructor(private readonly servers: MarketplaceProcess[]) {}

  /** A query (GET) or mutation (POST) of `path`, counted under `action`. */
  async call<T>(tally: LoadTally, action: string, path: string, input: unknown, token: string | null): Promise<CallResult<T>> {
    const kind = QUERIES.has(path) ? "query" : "mutation";
    const up = this.servers.filter((s) => s.up);
    const pool = up.length ? up : this.servers;
    const first = pool[this.next++ % pool.length]!;
    let r = await call<T>(first.url, path, kind, input, token);
    let server = first.name;
    if (r.outcome === "network" && (r.code === "ECONNREFUSED" || r.code === "ECONNRESET" || r.code === "UND_ERR_SOCKET")) {
      const other = this.servers.find((s) => s !== first && s.up);
      if (other) {
        r = await call<T>(other.url, path, kind, input, token);
        server = other.name;
      }
    }
    tally.record(action, server, r);
    return r;
  }
}

const QUERIES = new Set(["catalog.search", "catalog.product", "order.list", "cart.get", "sellerOrder.list", "product.listMine", "seller.stats"]);

const pick = <T>(xs: readonly T[], random: () => number): T => xs[Math.floor(random() * xs.length)]!;

/** One buyer's loop: reads, carts, checkouts (retried once with the same key), payments, cancellations. */
export async function buyerLoop(b: Account, fx: SoakFixture, lb: Balancer, tally: LoadTally, until: () => boolean, random: () => number): Promise<void> {
  const pending: string[] = [];
  let n = 0;
  while (!until()) {
    const roll = random();
    if (roll < 0.4) {
      if (random() < 0.5) await lb.call(tally, "catalog.search", "catalog.search", { q: pick(["mug", "wool", "knife", "lamp", "bowl"], random), limit: 24 }, null);
      else await lb.call(tally, "catalog.product", "catalog.product", { id: pick(fx.productIds, random) }, b.token);
    } else if (roll < 0.62) {
      await lb.call(tally, "cart.add", "cart.add", { variantId: pick(fx.variants, random).id, quantity: 1 + Math.floor(random() * 2) }, b.token);
    } else if (roll < 0.77) {
      const key = `soak-${b.id}-${++n}`;
      let r = await lb.call<{ orderId: string }>(tally, "checkout.placeOrder", "checkout.placeOrder", { idempotencyKey: key, shippingAddress: ADDRESS }, b.token);
      if (r.outcome !== "ok" && r.outcome !== "domain") {
        tally.retriedCheckouts += 1;
        r = await lb.call<{ orderId: string }>(tally, "checkout.placeOrder (retry)", "checkout.placeOrder", { idempotencyKey: key, shippingAddress: ADDRESS }, b.token);
      }
      if (r.outcome === "ok" && r.data) {
        const seen = tally.orderByKey.get(`${b.id} ${key}`);
        if (seen && seen !== r.data.orderId) tally.keyConflicts += 1;
        tally.orderByKey.set(`${b.id} ${key}`, r.data.orderId);
        pending.push(r.data.orderId);
      }
    } else if (roll < 0.9) {
      const id = pending.shift();
      if (id) await lb.call(tally, "payment.confirmTest", "payment.confirmTest", { id }, b.token);
      else await lb.call(tally, "order.list", "order.list", {}, b.token);
    } else if (roll < 0.95) {
      const id = pending.length ? pending.splice(Math.floor(random() * pending.length), 1)[0]! : null;
      if (id) await lb.call(tally, "order.cancel", "order.cancel", { id }, b.token);
    } else {
      await lb.call(tally, "cart.get", "cart.get", {}, b.token);
    }
  }
}

interface SellerOrderRow {
  id: string;
  status: string;
}
interface MyProduct {
  id: string;
  variants: { id: string; sku: string; title: string; priceCents: number; stock: number }[];
}

const FORWARD: Record<string, { status: string; trackingNumber?: string }> = {
  PAID: { status: "PROCESSING" },
  PROCESSING: { status: "SHIPPED", trackingNumber: "SOAK-TRACK" },
  SHIPPED: { status: "DELIVERED" },
};

/** One seller's loop: moves paid orders along, refunds now and then, and restocks (relative to what the form saw). */
export async function sellerLoop(s: Account, lb: Balancer, tally: LoadTally, until: () => boolean, random: () => number): Promise<void> {
  while (!until()) {
    const roll = random();
    if (roll < 0.6) {
      const list = await lb.call<{ items: SellerOrderRow[] }>(tally, "sellerOrder.list", "sellerOrder.list", { status: pick(["PAID", "PROCESSING", "SHIPPED"], random) }, s.token);
      const so = list.data?.items[0];
      if (!so) continue;
      if (so.status === "PAID" && random() < 0.15) await lb.call(tally, "sellerOrder.cancel", "sellerOrder.cancel", { id: so.id }, s.token);
      else if (FORWARD[so.status]) await lb.call(tally, "sellerOrder.updateStatus", "sellerOrder.updateStatus", { id: so.id, ...FORWARD[so.status] }, s.token);
    } else if (roll < 0.8) {
      const mine = await lb.call<MyProduct[]>(tally, "product.listMine", "product.listMine", { status: "ACTIVE" }, s.token);
      const product = mine.data?.length ? pick(mine.data, random) : null;
      if (!product) continue;
      await lb.call(tally, "product.update", "product.update", {
        id: product.id,
        variants: product.variants.map((v) => ({ id: v.id, sku: v.sku, title: v.title, priceCents: v.priceCents, stock: v.stock + (v.stock < 10 ? 20 : 0), stockSeen: v.stock })),
      }, s.token);
    } else {
      await lb.call(tally, "seller.stats", "seller.stats", {}, s.token);
    }
  }
}
