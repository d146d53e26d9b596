import type { Fixture } from "./fixture.ts";
import { opts } from "./options.ts";
import { clock } from "./protocol.ts";
import type { RealtimeServer } from "./server-handle.ts";
import type { Opened, Transport } from "./transports.ts";

/**
 * The client sockets of one run: watchers of the product and signed-in buyers, spread evenly
 * over the batches and the servers, and what each of them received for the current event.
 */

/** What the sockets received for the event being measured. */
export interface Receipts {
  seq: number;
  orderId: string;
  /** Index (among the buyer sockets) of the one whose user the event targets; -1: none. */
  buyerIndex: number;
  watcherAt: Float64Array;
  watchersGot: number;
  /** Whether the current event goes to the watchers too. */
  productEvent: boolean;
  buyerAt: number;
  strays: number;
  duplicates: number;
  done: (() => void) | null;
}

export function newReceipts(watchers: number): Receipts {
  return { seq: -1, orderId: "", buyerIndex: -1, watcherAt: new Float64Array(watchers), watchersGot: 0, productEvent: true, buyerAt: 0, strays: 0, duplicates: 0, done: null };
}

export interface Population {
  sockets: Opened[];
  watchers: number;
  buyers: number;
  /** Which server each watcher / buyer is connected to. */
  watcherServer: Uint8Array;
  buyerServer: Uint8Array;
  buyerUserIds: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function maybeDone(r: Receipts, watcherCount: number) {
  if ((!r.productEvent || r.watchersGot === watcherCount) && (r.buyerIndex < 0 || r.buyerAt !== 0)) r.done?.();
}

/** Connects `count` sockets (round-robin over the servers) in batches; watchers watch the product. */
export async function connectPopulation(
  transport: Transport,
  servers: RealtimeServer[],
  fixture: Fixture,
  count: number,
  receipts: Receipts,
  /** Called (and awaited) each time about a tenth of the sockets more are connected. */
  onProgress?: (connected: number) => Promise<void>,
): Promise<Population> {
  const watcherTotal = Math.round(count * opts.watchers);
  const buyerTotal = count - watcherTotal;
  if (buyerTotal > fixture.buyers.length) throw new Error("not enough buyer sessions");
  const pop: Population = { sockets: [], watchers: 0, buyers: 0, watcherServer: new Uint8Array(watcherTotal), buyerServer: new Uint8Array(buyerTotal), buyerUserIds: [] };
  const connectStarted = performance.now();
  // Spread the buyers evenly, so that every batch and every server gets the same mix.
  const isBuyer = (i: number) => Math.floor(((i + 1) * buyerTotal) / count) > Math.floor((i * buyerTotal) / count);
  for (let start = 0; start < count; start += opts.batch) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + opts.batch); i++) {
      const serverIndex = i % servers.length;
      const server = servers[serverIndex]!;
      let opened: Opened;
      if (!isBuyer(i)) {
        const wi = pop.watchers++;
        pop.watcherServer[wi] = serverIndex;
        opened = transport.watcher(server, fixture.productId, (stock) => {
          const at = clock();
          if (stock !== receipts.seq) return void receipts.strays++;
          if (receipts.watcherAt[wi] !== 0) return void receipts.duplicates++;
          receipts.watcherAt[wi] = at;
          receipts.watchersGot++;
          maybeDone(receipts, watcherTotal);
        });
      } else {
        const bi = pop.buyers++;
        const buyer = fixture.buyers[bi]!;
        pop.buyerServer[bi] = serverIndex;
        pop.buyerUserIds.push(buyer.id);
        opened = transport.buyer(server, buyer, (orderId) => {
          const at = clock();
          if (bi !== receipts.buyerIndex || orderId !== receipts.orderId) return void receipts.strays++;
          if (receipts.buyerAt !== 0) return void receipts.duplicates++;
          receipts.buyerAt = at;
          maybeDone(receipts, watcherTotal);
        });
      }
      pop.sockets.push(opened);
      batch.push(opened.ready);
    }
    await Promise.all(batch);
    const connected = Math.min(count, start + opts.batch);
    if (process.env.BENCH_VERBOSE) console.log(`[realtime]   connected ${connected}/${count} at ${Math.round(performance.now() - connectStarted)} ms`);
    if (onProgress && (connected === count || Math.floor(connected / (count / 10)) > Math.floor((connected - opts.batch) / (count / 10)))) {
      await onProgress(connected);
    }
  }
  // Buyers join their user room after a database look-up that follows the connection: wait
  // until every server holds the expected room members.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const all = await Promise.all(servers.map((s) => s.stats(false)));
    const inProduct = all.reduce((a, s) => a + s.productRoom, 0);
    const inUser = all.reduce((a, s) => a + s.userRooms, 0);
    if (inProduct >= watcherTotal && inUser >= buyerTotal) break;
    if (Date.now() > deadline) throw new Error(`rooms not filled: product ${inProduct}/${watcherTotal}, user ${inUser}/${buyerTotal}`);
    await sleep(100);
  }
  return pop;
}

export async function closePopulation(pop: Population): Promise<void> {
  for (const s of pop.sockets) s.close();
  await sleep(300);
}
