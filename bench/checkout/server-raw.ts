/**
 * "Raw": the floor to compare with. Plain Fastify (no plugins, no logger) and a node-postgres
 * pool of the same size, one route, `POST /checkout` with the same body and cookie. It does the
 * work of ours' `checkout.placeOrder` by hand, statement for statement, on the same schema and
 * with the same configuration (config.ts):
 *
 *   the input checked with the same zod schema (placeOrderInput);
 *   session: the session joined with its user (one statement), live and ACTIVE;
 *   idempotency: the order of (buyer, key), if any (a replay answers it or refuses another request);
 *   BEGIN;
 *     the buyer's cart lock (INSERT … ON CONFLICT DO UPDATE on the cart row);
 *     the cart's lines with their variant, product and shop; product/shop ACTIVE, not the buyer's own
 *       shop, one currency, the order total's cap;
 *     the buyer's unpaid orders and held units against the hold limits;
 *     the order, its seller orders, items and pending payment, and the cart emptied (one statement);
 *     the activity row;
 *     per line, in variant-id order: the guarded stock UPDATE … RETURNING (any line short: ROLLBACK → 412);
 *   COMMIT; then the events (stock.changed per variant, the activity), collected in the server's own
 *     EventBuffer, flushed to the same null sink as ours';
 *   the payment prepared with the same test provider, its reference stored;
 *   the same answer.
 *
 * What it skips is listed in protocol.ts (RAW_SKIPS), which the results file and README carry.
 */
import { createHash } from "node:crypto";
import Fastify from "fastify";
import pg from "pg";
import { MAX_ORDER_TOTAL_CENTS, placeOrderInput, type PlaceOrderInput } from "@marketplace/shared";
import { newId } from "../../server/src/lib/ids.ts";
import { holdLimitHit, type Holds } from "../../server/src/modules/checkout/order-limits.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { EventBuffer, nullSink, rooms } from "../../server/src/realtime/publish.ts";
import { serveRunner } from "../lib/server-side.ts";
import { checkoutConfig } from "./config.ts";
import { SESSION_COOKIE } from "./protocol.ts";

const runner = serveRunner("bench/checkout/server-raw.ts", () => app.close());
const config = checkoutConfig(process.env);
const pool = new pg.Pool({ connectionString: config.DATABASE_URL, options: "-c jit=off", max: config.DATABASE_POOL_SIZE });
pool.on("error", () => {});
const payments = new TestPaymentProvider();
const app = Fastify({ logger: false });

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Line {
  variantId: string;
  quantity: number;
  sku: string | null;
  variantTitle: string;
  priceCents: number;
  currency: string;
  productId: string;
  productTitle: string;
  productStatus: string;
  shopId: string;
  shopStatus: string;
  shopOwnerId: string;
}

interface Buyer {
  id: string;
  name: string;
}

function tokenFrom(cookie: string | undefined): string | null {
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie ?? "");
  return m ? decodeURIComponent(m[1]!) : null;
}

/** As checkout.service's: the address (keys sorted) and the lines (by variant). */
function requestHash(address: PlaceOrderInput["shippingAddress"], lines: { variantId: string; quantity: number }[]): string {
  const canonical = JSON.stringify({
    address: Object.fromEntries(Object.entries(address).sort(([a], [b]) => (a < b ? -1 : 1))),
    lines: [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)).map((l) => [l.variantId, l.quantity]),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

async function buyerOf(token: string): Promise<Buyer | null> {
  const { rows } = await pool.query<{ expiresAt: Date; revokedAt: Date | null; user: Buyer & { status: string } }>(
    `SELECT s."id", s."expires_at" AS "expiresAt", s."revoked_at" AS "revokedAt", s."last_seen_at" AS "lastSeenAt",
            json_build_object('id', u."id", 'email', u."email", 'name', u."name", 'role', u."role", 'status', u."status") AS "user"
       FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
      WHERE s."token_hash" = $1`,
    [createHash("sha256").update(token).digest("hex")],
  );
  const s = rows[0];
  if (!s || s.revokedAt || s.expiresAt.getTime() <= Date.now() || s.user.status !== "ACTIVE") return null;
  return s.user;
}

/** The order already placed with this key, answered again; null when there is none. */
async function replay(buyer: Buyer, input: PlaceOrderInput) {
  const { rows } = await pool.query<{ id: string; requestHash: string; status: string; totalCents: number; currency: string; expiresAt: Date | null }>(
    `SELECT "id", "request_hash" AS "requestHash", "status", "total_cents" AS "totalCents", "currency", "expires_at" AS "expiresAt"
       FROM "orders" WHERE "buyer_id" = $1 AND "idempotency_key" = $2`,
    [buyer.id, input.idempotencyKey],
  );
  const order = rows[0];
  if (!order) return null;
  const cart = await pool.query<{ variantId: string; quantity: number }>(
    `SELECT ci."variant_id" AS "variantId", ci."quantity" FROM "cart_items" ci JOIN "carts" c ON c."id" = ci."cart_id" WHERE c."user_id" = $1`,
    [buyer.id],
  );
  const lines = cart.rows.length
    ? cart.rows
    : (await pool.query<{ variantId: string; quantity: number }>(`SELECT "variant_id" AS "variantId", "quantity" FROM "order_items" WHERE "order_id" = $1`, [order.id])).rows;
  if (requestHash(input.shippingAddress, lines) !== order.requestHash) throw new Refusal(409, "CONFLICT", "This idempotency key was already used for a different order");
  return answer(order);
}

function answer(o: { id: string; status: string; totalCents: number; currency: string; expiresAt: Date | null }) {
  return { orderId: o.id, status: o.status, totalCents: o.totalCents, currency: o.currency, expiresAt: o.expiresAt, payment: { provider: payments.name, clientSecret: null, publishableKey: null } };
}

async function placeOrder(buyer: Buyer, input: PlaceOrderInput) {
  const existing = await replay(buyer, input);
  if (existing) return existing;
  const events = new EventBuffer();
  const client = await pool.connect();
  let placed: { id: string; paymentId: string; totalCents: number; currency: string; expiresAt: Date };
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "carts" ("id", "user_id", "updated_at") VALUES ($1, $2, now())
       ON CONFLICT ("user_id") DO UPDATE SET "updated_at" = now() RETURNING "id"`,
      [newId(), buyer.id],
    );
    const { rows } = await client.query<Line>(
      `SELECT ci."variant_id" AS "variantId", ci."quantity",
              v."sku", v."title" AS "variantTitle", v."price_cents" AS "priceCents", v."currency"::text AS "currency",
              p."id" AS "productId", p."title" AS "productTitle", p."status"::text AS "productStatus",
              s."id" AS "shopId", s."status"::text AS "shopStatus", s."owner_id" AS "shopOwnerId"
         FROM "carts" c
         JOIN "cart_items" ci ON ci."cart_id" = c."id"
         LEFT JOIN "variants" v ON v."id" = ci."variant_id"
         LEFT JOIN "products" p ON p."id" = v."product_id"
         LEFT JOIN "shops" s ON s."id" = p."shop_id"
        WHERE c."user_id" = $1
        ORDER BY ci."variant_id"`,
      [buyer.id],
    );
    if (!rows.length) throw new Refusal(412, "PRECONDITION_FAILED", "Your cart is empty");
    const lines = rows.filter((l) => l.sku !== null);
    if (lines.length < rows.length || lines.some((l) => l.productStatus !== "ACTIVE" || l.shopStatus !== "ACTIVE" || l.shopOwnerId === buyer.id)) {
      throw new Refusal(412, "PRECONDITION_FAILED", "Some items can no longer be bought");
    }
    if (new Set(lines.map((l) => l.currency)).size > 1) throw new Refusal(412, "PRECONDITION_FAILED", "A cart in several currencies cannot be checked out at once");
    const currency = lines[0]!.currency;
    const byShop = new Map<string, Line[]>();
    for (const l of lines) byShop.set(l.shopId, [...(byShop.get(l.shopId) ?? []), l]);
    const feeBps = config.PLATFORM_FEE_BPS;
    const sellerOrders = [...byShop].map(([shopId, shopLines]) => {
      const subtotalCents = shopLines.reduce((n, l) => n + l.priceCents * l.quantity, 0);
      return { id: newId(), shopId, subtotalCents, commissionCents: Math.round((subtotalCents * feeBps) / 10_000), lines: shopLines };
    });
    const totalCents = sellerOrders.reduce((n, so) => n + so.subtotalCents, 0);
    if (totalCents > MAX_ORDER_TOTAL_CENTS) throw new Refusal(400, "BAD_REQUEST", "order too large");
    const holds = await client.query<Holds>(
      `SELECT count(DISTINCT o."id")::int AS "unpaidOrders", COALESCE(sum(oi."quantity"), 0)::int AS "heldUnits"
         FROM "orders" o
         JOIN "seller_orders" so ON so."order_id" = o."id" AND so."status" = 'PENDING_PAYMENT'
         JOIN "order_items" oi ON oi."seller_order_id" = so."id"
        WHERE o."buyer_id" = $1 AND o."status" = 'PENDING_PAYMENT'`,
      [buyer.id],
    );
    const hit = holdLimitHit(config, holds.rows[0] ?? { unpaidOrders: 0, heldUnits: 0 }, lines.reduce((n, l) => n + l.quantity, 0));
    if (hit) throw new Refusal(412, "PRECONDITION_FAILED", hit.message);

    // The order, its seller orders, items and pending payment, and the cart emptied: one statement.
    const orderId = newId();
    const paymentId = newId();
    const expiresAt = new Date(Date.now() + config.ORDER_HOLD_MINUTES * 60_000);
    const values: unknown[] = [orderId, buyer.id, totalCents, currency, input.idempotencyKey, requestHash(input.shippingAddress, lines), JSON.stringify(input.shippingAddress), expiresAt, paymentId, payments.name];
    const p = (v: unknown) => `$${values.push(v)}`;
    const sellerRows = sellerOrders.map((so) => `(${p(so.id)}, $1, ${p(so.shopId)}, ${p(so.subtotalCents)}::int, ${p(feeBps)}::int, ${p(so.commissionCents)}::int, $4, now())`);
    const itemRows = sellerOrders.flatMap((so) =>
      so.lines.map(
        (l) =>
          `(${p(newId())}, $1, ${p(so.id)}, ${p(l.productId)}, ${p(l.variantId)}, ${p(l.productTitle)}, ${p(l.variantTitle)}, ${p(l.sku)}, ` +
          `${p(l.priceCents)}::int, ${p(l.quantity)}::int, ${p(l.priceCents * l.quantity)}::int)`,
      ),
    );
    await client.query(
      `WITH new_order AS (
         INSERT INTO "orders" ("id", "buyer_id", "total_cents", "currency", "idempotency_key", "request_hash", "shipping_address", "expires_at", "updated_at")
         VALUES ($1, $2, $3::int, $4, $5, $6, $7::jsonb, $8::timestamptz, now())
       ), new_seller_orders AS (
         INSERT INTO "seller_orders" ("id", "order_id", "shop_id", "subtotal_cents", "commission_bps", "commission_cents", "currency", "updated_at")
         VALUES ${sellerRows.join(", ")}
       ), new_items AS (
         INSERT INTO "order_items" ("id", "order_id", "seller_order_id", "product_id", "variant_id", "product_title", "variant_title", "sku",
                                    "unit_price_cents", "quantity", "line_total_cents")
         VALUES ${itemRows.join(", ")}
       ), new_payment AS (
         INSERT INTO "payments" ("id", "order_id", "provider", "amount_cents", "currency", "updated_at")
         VALUES ($9, $1, $10::"PaymentProvider", $3::int, $4, now())
       )
       DELETE FROM "cart_items" WHERE "cart_id" = (SELECT "id" FROM "carts" WHERE "user_id" = $2)`,
      values,
    );
    const activityId = newId();
    const summary = `${buyer.name} placed an order of ${(totalCents / 100).toFixed(2)} ${currency} from ${byShop.size} shop${byShop.size > 1 ? "s" : ""}`;
    await client.query(
      `INSERT INTO "activities" ("id", "kind", "actor_id", "subject_type", "subject_id", "summary", "data", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [activityId, "order.placed", buyer.id, "order", orderId, summary, "{}", new Date()],
    );
    events.add("activity", [rooms.admins()], { activityId, actorName: buyer.name, kind: "order.placed", summary, actorId: buyer.id, subjectType: "order", subjectId: orderId });
    // Stock last, in variant-id order (the lines are sorted; the fixture's carts hold one line per variant).
    for (const l of lines) {
      const r = await client.query<{ id: string; product_id: string; shop_id: string; stock: number }>(
        `UPDATE "variants" SET "stock" = "stock" - $2, "updated_at" = now() WHERE "id" = $1 AND "stock" >= $2 RETURNING "id", "product_id", "shop_id", "stock"`,
        [l.variantId, l.quantity],
      );
      const row = r.rows[0];
      if (!row) throw new Refusal(412, "PRECONDITION_FAILED", "Some items are no longer in stock in the quantity you asked for");
      events.add("stock.changed", [rooms.product(row.product_id), rooms.shop(row.shop_id)], { productId: row.product_id, variantId: row.id, stock: row.stock });
    }
    await client.query("COMMIT");
    placed = { id: orderId, paymentId, totalCents, currency, expiresAt };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  events.flushTo(nullSink);
  const created = await payments.createPayment({ orderId: placed.id, amountCents: placed.totalCents, currency: placed.currency });
  await pool.query(`UPDATE "payments" SET "provider_ref" = $2, "updated_at" = now() WHERE "id" = $1`, [placed.paymentId, created.providerRef]);
  return answer({ id: placed.id, status: "PENDING_PAYMENT", totalCents: placed.totalCents, currency: placed.currency, expiresAt: placed.expiresAt });
}

app.post("/checkout", async (req, reply) => {
  const parsed = placeOrderInput.safeParse((req.body as { json?: unknown } | null)?.json);
  if (!parsed.success) return reply.code(400).send({ error: { json: { code: "BAD_REQUEST" } } });
  const token = tokenFrom(req.headers.cookie);
  const buyer = token ? await buyerOf(token) : null;
  if (!buyer) return reply.code(401).send({ error: { json: { code: "UNAUTHORIZED" } } });
  try {
    return { result: { data: { json: await placeOrder(buyer, parsed.data) } } };
  } catch (err) {
    if (err instanceof Refusal) return reply.code(err.status).send({ error: { json: { code: err.code, message: err.message } } });
    throw err;
  }
});

runner.ready(await app.listen({ host: "127.0.0.1", port: 0 }));
