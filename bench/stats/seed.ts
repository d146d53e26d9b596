import type pg from "pg";

/**
 * Set-based seed of the dashboards' benchmark: `shops` shops (a seller each, 4 products with one
 * variant each), `buyers` buyers and `orders` orders spread evenly over the last `days` days,
 * each one seller order of one item. Sales lean towards the first shops (a square law), as real
 * marketplaces do. Outcomes: 10 % never paid and cancelled, 5 % paid then refunded two days later,
 * the rest paid (delivered when older than a week, else paid or shipped); the ledger books a sale
 * and a 10 % commission for every paid order, a refund and the commission back for each refund.
 */
export async function seedStats(client: pg.Client, opts: { shops: number; buyers: number; orders: number; days: number }, log: (s: string) => void) {
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const res = await client.query(sql, params);
    log(`  ${label}: ${res.rowCount ?? 0} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await step("sellers", `
    INSERT INTO "users" ("id", "email", "name", "password_hash", "role", "created_at", "updated_at")
    SELECT 'bs-s-' || i, 'seller' || i || '@bench.test', 'Seller ' || i, 'x', 'SELLER', now() - make_interval(days => $2 + (i % 30)), now()
      FROM generate_series(1, $1::int) i`, [opts.shops, opts.days]);
  await step("buyers", `
    INSERT INTO "users" ("id", "email", "name", "password_hash", "role", "created_at", "updated_at")
    SELECT 'bs-b-' || i, 'buyer' || i || '@bench.test', 'Buyer ' || i, 'x', 'BUYER', now() - make_interval(secs => random() * $2 * 86400), now()
      FROM generate_series(1, $1::int) i`, [opts.buyers, opts.days]);
  await step("shops", `
    INSERT INTO "shops" ("id", "owner_id", "name", "slug", "status", "created_at", "updated_at", "approved_at")
    SELECT 'bs-shop-' || i, 'bs-s-' || i, 'Shop ' || i, 'shop-' || i, 'ACTIVE', now() - make_interval(days => $2 + (i % 30)), now(), now()
      FROM generate_series(1, $1::int) i`, [opts.shops, opts.days]);
  // Each shop's owner is its team's OWNER, as the app's shop creation makes them (seller calls need it).
  await step("shop owners", `
    INSERT INTO "shop_members" ("id", "shop_id", "user_id", "role", "created_at", "updated_at")
    SELECT 'bs-m-' || i, 'bs-shop-' || i, 'bs-s-' || i, 'OWNER', now(), now()
      FROM generate_series(1, $1::int) i`, [opts.shops]);
  await step("category", `INSERT INTO "categories" ("id", "name", "slug") VALUES ('bs-cat', 'Bench', 'bench')`);
  await step("products", `
    INSERT INTO "products" ("id", "shop_id", "category_id", "title", "slug", "created_at", "updated_at")
    SELECT 'bs-p-' || s || '-' || k, 'bs-shop-' || s, 'bs-cat', 'Product ' || k || ' of shop ' || s, 'p-' || k, now(), now()
      FROM generate_series(1, $1::int) s, generate_series(1, 4) k`, [opts.shops]);
  await step("variants", `
    INSERT INTO "variants" ("id", "product_id", "shop_id", "sku", "title", "price_cents", "stock", "updated_at")
    SELECT 'bs-v-' || s || '-' || k, 'bs-p-' || s || '-' || k, 'bs-shop-' || s, 'sku-' || k, 'Default', 500 + ((s * 7 + k * 13) % 5000), 1000, now()
      FROM generate_series(1, $1::int) s, generate_series(1, 4) k`, [opts.shops]);
  await step("plan", `
    CREATE TEMP TABLE "plan" AS
    SELECT i, 1 + floor(power(random(), 2) * $2)::int AS s, 1 + floor(random() * 4)::int AS k,
           1 + floor(random() * $3)::int AS b, 1 + floor(random() * 3)::int AS q,
           now() - make_interval(secs => random() * $4 * 86400) AS at, random() AS r
      FROM generate_series(1, $1::int) i`, [opts.orders, opts.shops, opts.buyers, opts.days]);
  await step("plan prices and outcomes", `
    CREATE TEMP TABLE "planned" AS
    SELECT p.*, (500 + ((s * 7 + k * 13) % 5000)) * q AS cents,
           CASE WHEN r < 0.10 THEN 'CANCELLED' WHEN r < 0.15 THEN 'REFUNDED'
                WHEN at < now() - interval '7 days' THEN 'DELIVERED' WHEN r < 0.6 THEN 'SHIPPED' ELSE 'PAID' END AS status
      FROM "plan" p`);
  await step("orders", `
    INSERT INTO "orders" ("id", "buyer_id", "status", "total_cents", "currency", "idempotency_key", "request_hash", "shipping_address", "paid_at", "cancelled_at", "created_at", "updated_at")
    SELECT 'bs-o-' || i, 'bs-b-' || b, status::"OrderStatus", cents, 'USD', 'bench-' || i, 'x', '{}'::jsonb,
           CASE WHEN status <> 'CANCELLED' THEN at END, CASE WHEN status IN ('CANCELLED', 'REFUNDED') THEN at END, at, at
      FROM "planned"`);
  await step("seller orders", `
    INSERT INTO "seller_orders" ("id", "order_id", "shop_id", "status", "subtotal_cents", "commission_bps", "commission_cents", "currency", "cancelled_at", "created_at", "updated_at")
    SELECT 'bs-so-' || i, 'bs-o-' || i, 'bs-shop-' || s, status::"OrderStatus", cents, 1000, cents / 10, 'USD',
           CASE WHEN status IN ('CANCELLED', 'REFUNDED') THEN least(now(), at + interval '2 days') END, at, at
      FROM "planned"`);
  await step("order items", `
    INSERT INTO "order_items" ("id", "order_id", "seller_order_id", "product_id", "variant_id", "product_title", "variant_title", "sku", "unit_price_cents", "quantity", "line_total_cents")
    SELECT 'bs-oi-' || i, 'bs-o-' || i, 'bs-so-' || i, 'bs-p-' || s || '-' || k, 'bs-v-' || s || '-' || k, 'Product ' || k, 'Default', 'sku-' || k,
           500 + ((s * 7 + k * 13) % 5000), q, cents
      FROM "planned"`);
  await step("ledger", `
    INSERT INTO "ledger_entries" ("id", "shop_id", "seller_order_id", "kind", "amount_cents", "currency", "created_at")
    SELECT 'bs-le-' || i || '-' || e.kind, 'bs-shop-' || s, 'bs-so-' || i, e.kind::"LedgerKind", e.amount, 'USD', e.at
      FROM "planned" p
      CROSS JOIN LATERAL (VALUES ('SALE', cents, at), ('COMMISSION', -(cents / 10), at),
                                 ('REFUND', -cents, least(now(), at + interval '2 days')), ('COMMISSION_REFUND', cents / 10, least(now(), at + interval '2 days'))) AS e(kind, amount, at)
     WHERE status <> 'CANCELLED' AND (status = 'REFUNDED' OR e.kind IN ('SALE', 'COMMISSION'))`);
  // What autovacuum leaves behind in production: statistics, and a visibility map for index-only scans.
  await step("vacuum analyze", "VACUUM ANALYZE");
}
