#!/usr/bin/env node
/**
 * What two replicas must share, checked from outside as a browser would, for docker/test.sh:
 * `node replicas.mjs <replicaA> <replicaB>` on a seeded database (the demo users).
 *   1. live events cross replicas: the buyer's socket is open on A; the buyer orders and pays on
 *      A; the seller moves the order to PROCESSING on B; the buyer's socket on A hears
 *      `order.updated` (through Redis), and the time from B's answer to the event is printed;
 *   2. uploads are shared: the seller uploads a PNG through A; B serves the same bytes.
 * Prints one line per check and exits non-zero at the first that fails.
 */
import { randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import { io } from "socket.io-client";

const [A, B] = process.argv.slice(2);
if (!A || !B) throw new Error("usage: replicas.mjs <replicaA url> <replicaB url>");

const fail = (message) => {
  console.log(`FAIL: ${message}`);
  process.exit(1);
};

/** A tRPC call over HTTP (superjson's `{json}` envelope), as the client makes it. */
async function call(base, cookie, kind, path, input) {
  const headers = { cookie: cookie ?? "", origin: base };
  const url = `${base}/trpc/${path}`;
  const res =
    kind === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input ?? null }))}`, { headers })
      : await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ json: input ?? null }) });
  const body = await res.json();
  if (!res.ok) fail(`${path} on ${base}: ${res.status} ${body?.error?.json?.message ?? ""}`);
  return { data: body.result.data.json, res };
}

async function signIn(base, email) {
  const { res } = await call(base, null, "mutation", "auth.login", { email, password: "demo-password-1" });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => /session=/.test(c));
  if (!cookie) fail(`no session cookie for ${email} from ${base}`);
  return cookie;
}

// --- 1. An order's status changed on B reaches the buyer's socket on A ---
const buyer = await signIn(A, "buyer@demo.test");
const seller = await signIn(B, "seller@demo.test");
const socket = io(A, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: buyer, origin: A }, reconnection: false });
await new Promise((resolve, reject) => {
  socket.once("connect", resolve);
  socket.once("connect_error", reject);
});

const { data: shop } = await call(B, seller, "query", "shop.mine");
const { data: found } = await call(A, buyer, "query", "catalog.search", { shopId: shop.id, inStock: true, limit: 20 });
let variant;
for (const item of found.items) {
  const { data: product } = await call(A, buyer, "query", "catalog.product", { id: item.id });
  variant = product.variants.find((v) => v.stock > 0);
  if (variant) break;
}
if (!variant) fail("no product of the demo seller in stock");
await call(A, buyer, "mutation", "cart.clear");
await call(A, buyer, "mutation", "cart.add", { variantId: variant.id, quantity: 1 });
const { data: order } = await call(A, buyer, "mutation", "checkout.placeOrder", {
  idempotencyKey: randomUUID(),
  shippingAddress: { name: "Replica Tester", line1: "1 Main St", city: "Portland", postalCode: "97205", country: "US" },
});
await call(A, buyer, "mutation", "payment.confirmTest", { id: order.orderId });

const { data: sellerOrders } = await call(B, seller, "query", "sellerOrder.list", { status: "PAID" });
const part = sellerOrders.items.find((so) => so.orderId === order.orderId);
if (!part) fail("the paid order is not in the seller's list on B");
const heard = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no order.updated on A within 5 s")), 5000);
  socket.on("order.updated", (event) => {
    if (event.sellerOrderId === part.id && event.status === "PROCESSING") {
      clearTimeout(timer);
      resolve(performance.now());
    }
  });
});
const sentAt = performance.now();
await call(B, seller, "mutation", "sellerOrder.updateStatus", { id: part.id, status: "PROCESSING" });
const answeredAt = performance.now();
const heardAt = await heard.catch((err) => fail(err.message));
console.log(
  `order status changed on B reached the buyer's socket on A ${(heardAt - sentAt).toFixed(0)} ms after the change was sent to B (B answered in ${(answeredAt - sentAt).toFixed(0)} ms)`,
);
socket.close();

// --- 2. An image uploaded through A is served by B ---
const png = tinyPng();
const form = new FormData();
form.append("file", new Blob([png], { type: "image/png" }), "replica.png");
const uploaded = await fetch(`${A}/uploads`, { method: "POST", headers: { cookie: seller }, body: form });
if (uploaded.status !== 201) fail(`upload through A: ${uploaded.status} ${await uploaded.text()}`);
const { url } = await uploaded.json();
const served = await fetch(`${B}${url}`);
const bytes = Buffer.from(await served.arrayBuffer());
if (served.status !== 200 || !bytes.equals(png)) fail(`B serves ${url}: ${served.status}, ${bytes.length} bytes (uploaded ${png.length})`);
console.log(`image uploaded through A (${url}) served by B: ${bytes.length} bytes, identical, ${served.headers.get("content-type")}`);

/** A valid 1×1 PNG, unique per run (its pixel is random), so a stale copy cannot pass. */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const pixel = Buffer.from([0, ...randomUUID().replace(/-/g, "").slice(0, 6).match(/../g).map((h) => parseInt(h, 16))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixel)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
