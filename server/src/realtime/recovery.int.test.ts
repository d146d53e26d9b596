import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../lib/transaction.ts";
import { createServer, type MarketplaceServer } from "../server.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { caughtUp, connected, disconnected, openSocket, record, type ClientSocket } from "../test/sockets.ts";
import { rooms } from "./publish.ts";

/**
 * Connection state recovery in one process (its in-memory adapter keeps the sessions; across
 * processes restarts.int.test.ts covers it): a socket cut off and back gets its missed events —
 * unless, meanwhile, it stopped being who it was.
 */
let t: TestApp;
let server: MarketplaceServer;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0" } });
  server = await createServer(t.deps);
  url = await server.start();
  t.deps = server.deps;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server.stop();
});

const publish = (userId: string, orderId: string) =>
  inTransaction({ db: server.deps.database.prisma, deps: server.deps }, async (_tx, events) => {
    events.add("order.updated", [rooms.user(userId)], { orderId, sellerOrderId: `${orderId}-s`, status: "SHIPPED" });
  });

/** A buyer's socket, cut off the way a network drop or a stopping replica cuts it (not a client's own disconnect). */
async function cutOffBuyer() {
  const user = await t.createUser();
  const session = await t.signIn(user.email);
  const socket = openSocket(url, { token: session.token });
  sockets.push(socket);
  await connected(socket);
  const got = record(socket);
  await publish(user.id, "before");
  await caughtUp(server.deps.sink, socket);
  const gone = disconnected(socket);
  socket.io.engine.close(); // the server sees its transport close, as after a network drop
  await gone;
  return { user, session, socket, got };
}

const orderIds = (got: Map<string, unknown[]>) => (got.get("order.updated") ?? []).map((e) => (e as { orderId: string }).orderId);

describe("SECURITY 51: a returning socket is replayed what it missed only while it is still who it was", () => {
  it("back within SOCKET_RECOVERY_SECONDS: recovered, and the missed events come in order, once, before new ones", async () => {
    const { user, socket, got } = await cutOffBuyer();
    await publish(user.id, "missed-1");
    await publish(user.id, "missed-2");
    socket.connect();
    await connected(socket);
    expect(socket.recovered).toBe(true);
    await publish(user.id, "after");
    await caughtUp(server.deps.sink, socket);
    expect(orderIds(got)).toEqual(["before", "missed-1", "missed-2", "after"]);
  });

  it("its session revoked while it was away: nothing is replayed, and it is in none of its old rooms", async () => {
    const { user, session, socket, got } = await cutOffBuyer();
    await publish(user.id, "missed-1");
    await session.caller.auth.logout();
    await publish(user.id, "missed-2");
    socket.connect();
    await connected(socket);
    await publish(user.id, "after");
    await caughtUp(server.deps.sink, socket);
    expect(orderIds(got)).toEqual(["before"]);
    const serverSide = server.realtime.io.of("/").sockets.get(socket.id!);
    expect([...(serverSide?.rooms ?? [])]).toEqual([socket.id]);
  });
});
