/**
 * "Raw": the floor to compare with. Plain Fastify (no plugins, no logger) and a node-postgres
 * pool of the same size, one route, `POST /checkout` with the same body and cookie. It does the
 * core of a checkout by hand, on the same schema:
 *
 *   session: SELECT the user by the token's SHA-256 (live session, ACTIVE user);
 *   BEGIN;
 *     SELECT the cart's lines with their variant, product and shop;
 *     per line, in variant-id order: UPDATE variants SET stock = stock - $q WHERE id = $id AND stock >= $q
 *       (any line short: ROLLBACK → 412 PRECONDITION_FAILED);
 *     INSERT the order, one seller order per shop, the order items (one statement);
 *     DELETE the cart's lines;
 *   COMMIT.
 *
 * What ours does on top: tRPC, zod, superjson, Prisma, the security hooks and the rate limiter,
 * the idempotency replay lookup, product/shop status checks, the payment row, the activity row,
 * real-time events, and reading the order back for the response.
 */
import { createHash, randomUUID } from "node:crypto";
import Fastify from "fastify";
import pg from "pg";
import { serveIpc, SESSION_COOKIE, type FromServer } from "./protocol.ts";

if (!process.send) {
  console.error("server-raw.ts is started by bench/checkout/run.ts (it needs an IPC channel)");
  process.exit(2);
}
const send = (msg: FromServer) => process.send?.(msg);
serveIpc(send);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, options: "-c jit=off", max: Number(process.env.DATABASE_POOL_SIZE ?? "20") });
pool.on("error", () => {});
const app = Fastify({ logger: false });
const FEE_BPS = 1000;
const HOLD_MS = 15 * 60_000;

interface Line {
  variant_id: string;
  quantity: number;
  price_cents: number;
  currency: string;
  sku: string;
  variant_title: string;
  product_id: string;
  product_title: string;
  shop_id: string;
}

function tokenFrom(cookie: string | undefined): string | null {
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie ?? "");
  return m ? decodeURIComponent(m[1]!) : null;
}

app.post("/checkout", async (req, reply) => {
  const body = req.body as { json?: { idempotencyKey?: string; shippingAddress?: Record<string, string> } };
  const key = body.json?.idempotencyKey;
  const address = body.json?.shippingAddress;
  if (!key || !address) return reply.code(400).send({ error: { code: "BAD_REQUEST" } });
  const token = tokenFrom(req.headers.cookie);
  if (!token) return reply.code(401).send({ error: { code: "UNAUTHORIZED" } });
  const tokenHash = createHash("sha256").update(token).digest("hex");
  const session = await pool.query<{ user_id: string }>(
    `SELECT s."user_id" FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
      WHERE s."token_hash" = $1 AND s."revoked_at" IS NULL AND s."expires_at" > now() AND u."status" = 'ACTIVE'`,
    [tokenHash],
  );
  const userId = session.rows[0]?.user_id;
  if (!userId) return reply.code(401).send({ error: { code: "UNAUTHORIZED" } });

  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows: lines } = await client.query<Line>(
      `SELECT ci."variant_id", ci."quantity", v."price_cents", v."currency", v."sku", v."title" AS variant_title,
              v."product_id", p."title" AS product_title, v."shop_id"
         FROM "cart_items" ci
         JOIN "carts" c ON c."id" = ci."cart_id"
         JOIN "variants" v ON v."id" = ci."variant_id"
         JOIN "products" p ON p."id" = v."product_id"
        WHERE c."user_id" = $1
        ORDER BY ci."variant_id"`,
      [userId],
    );
    if (!lines.length) {
      await client.query("ROLLBACK");
      return reply.code(412).send({ error: { code: "PRECONDITION_FAILED", message: "empty cart" } });
    }
    for (const l of lines) {
      const r = await client.query(
        `UPDATE "variants" SET "stock" = "stock" - $2, "updated_at" = now() WHERE "id" = $1 AND "stock" >= $2`,
        [l.variant_id, l.quantity],
      );
      if (r.rowCount === 0) {
        await client.query("ROLLBACK");
        return reply.code(412).send({ error: { code: "PRECONDITION_FAILED", message: "out of stock" } });
      }
    }
    const total = lines.reduce((n, l) => n + l.price_cents * l.quantity, 0);
    const requestHash = createHash("sha256")
      .update(JSON.stringify({ address, lines: lines.map((l) => [l.variant_id, l.quantity]) }))
      .digest("hex");
    const orderId = randomUUID();
    await client.query(
      `INSERT INTO "orders" ("id", "buyer_id", "total_cents", "currency", "idempotency_key", "request_hash", "shipping_address", "expires_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
      [orderId, userId, total, lines[0]!.currency, key, requestHash, JSON.stringify(address), new Date(Date.now() + HOLD_MS)],
    );
    const byShop = new Map<string, Line[]>();
    for (const l of lines) byShop.set(l.shop_id, [...(byShop.get(l.shop_id) ?? []), l]);
    const items: unknown[] = [];
    const values: string[] = [];
    for (const [shopId, shopLines] of byShop) {
      const sellerOrderId = randomUUID();
      const sub = shopLines.reduce((n, l) => n + l.price_cents * l.quantity, 0);
      await client.query(
        `INSERT INTO "seller_orders" ("id", "order_id", "shop_id", "subtotal_cents", "commission_bps", "commission_cents", "currency", "updated_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [sellerOrderId, orderId, shopId, sub, FEE_BPS, Math.round((sub * FEE_BPS) / 10_000), lines[0]!.currency],
      );
      for (const l of shopLines) {
        const base = items.length;
        values.push(`(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(", ")})`);
        items.push(randomUUID(), orderId, sellerOrderId, l.product_id, l.variant_id, l.product_title, l.variant_title, l.sku, l.price_cents, l.quantity, l.price_cents * l.quantity);
      }
    }
    await client.query(
      `INSERT INTO "order_items" ("id", "order_id", "seller_order_id", "product_id", "variant_id", "product_title", "variant_title", "sku", "unit_price_cents", "quantity", "line_total_cents")
       VALUES ${values.join(", ")}`,
      items,
    );
    await client.query(`DELETE FROM "cart_items" WHERE "cart_id" = (SELECT "id" FROM "carts" WHERE "user_id" = $1)`, [userId]);
    await client.query("COMMIT");
    return { result: { data: { json: { orderId, status: "PENDING_PAYMENT", totalCents: total, currency: lines[0]!.currency } } } };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
});

send({ type: "ready", url: await app.listen({ host: "127.0.0.1", port: 0 }) });
// Stop cleanly on SIGTERM (so that --cpu-prof can write its profile).
process.on("SIGTERM", () => void app.close().finally(() => process.exit(0)));
