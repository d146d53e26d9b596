/**
 * The reviews benchmark's database: created from scratch, migrated by the project's migrator
 * (createMigratedDatabase), then filled with bulk SQL (one INSERT … SELECT per table, seeded
 * `random()` so every run gets the same data):
 *
 *   - one seller with one ACTIVE shop, one ACTIVE product (one variant) in one category;
 *   - `reviews` buyers, each with a DELIVERED order of the product (order, seller order, item)
 *     and one VISIBLE review of it: stars 5/4/3/2/1 ≈ 45/25/12/8/10 %, helpful votes skewed
 *     (most 0, a few up to ~60), a title and a ~250-character body, one review every ~50 min
 *     going back in time (distinct times);
 *   - `hidden` more buyers with a HIDDEN review of it (lists must skip them);
 *   - `writers` more buyers with a DELIVERED order of it and no review yet, each with a session
 *     (the write benchmark's callers; their tokens are returned);
 *   - the product's and shop's rating figures set from the reviews (`recomputeFigures`).
 */
import { hashToken, newSessionToken } from "../../server/src/modules/auth/session.service.ts";
import { recomputeFigures } from "../../server/src/modules/reviews/review-figures.ts";
import { createMigratedDatabase } from "../lib/databases.ts";
import type { Database } from "../../server/src/db/client.ts";

export interface Writer {
  id: string;
  token: string;
}

export interface Seeded {
  url: string;
  database: Database;
  productId: string;
  shopId: string;
  visibleReviews: number;
  hiddenReviews: number;
  writers: Writer[];
  seconds: number;
}

export async function seedDatabase(
  adminUrl: string,
  name: string,
  opts: { reviews: number; hidden: number; writers: number; poolSize: number },
  log: (msg: string) => void,
): Promise<Seeded> {
  const started = performance.now();
  const { url, database } = await createMigratedDatabase(adminUrl, name, opts.poolSize);
  let conn: Awaited<ReturnType<Database["connect"]>> | undefined;
  try {
    conn = await database.connect();
    const c = conn;
    const q = (sql: string, params: unknown[] = []) => c.query(sql, params);
    await q("BEGIN");
    await q("SELECT setseed(0.20261201)");
    const [seller] = (await q(
      `INSERT INTO "users" ("id", "email", "name", "password_hash", "role", "updated_at")
       VALUES (gen_random_uuid()::text, 'seller@reviews.bench.test', 'Bench Seller', 'no-login', 'SELLER', now()) RETURNING "id"`,
    )) as { id: string }[];
    const [shop] = (await q(
      `INSERT INTO "shops" ("id", "owner_id", "name", "slug", "status", "approved_at", "updated_at")
       VALUES (gen_random_uuid()::text, $1, 'Bench Reviews Shop', 'bench-reviews-shop', 'ACTIVE', now(), now()) RETURNING "id"`,
      [seller!.id],
    )) as { id: string }[];
    await q(
      `INSERT INTO "shop_members" ("id", "shop_id", "user_id", "role", "updated_at") VALUES (gen_random_uuid()::text, $1, $2, 'OWNER', now())`,
      [shop!.id, seller!.id],
    );
    const [category] = (await q(
      `INSERT INTO "categories" ("id", "name", "slug") VALUES (gen_random_uuid()::text, 'Bench', 'bench') RETURNING "id"`,
    )) as { id: string }[];
    const [product] = (await q(
      `INSERT INTO "products" ("id", "shop_id", "category_id", "title", "slug", "description", "status", "updated_at")
       VALUES (gen_random_uuid()::text, $1, $2, 'Much-reviewed kettle', 'much-reviewed-kettle', 'A kettle with a lot of reviews.', 'ACTIVE', now())
       RETURNING "id"`,
      [shop!.id, category!.id],
    )) as { id: string }[];
    const [variant] = (await q(
      `INSERT INTO "variants" ("id", "product_id", "shop_id", "sku", "title", "price_cents", "stock", "updated_at")
       VALUES (gen_random_uuid()::text, $1, $2, 'KETTLE-1', 'Default', 3999, 1000, now()) RETURNING "id"`,
      [product!.id, shop!.id],
    )) as { id: string }[];

    // Buyers 1..total: the first `reviews` write a visible review, the next `hidden` a hidden
    // one, the last `writers` none yet. Each has one delivered order of the product.
    const total = opts.reviews + opts.hidden + opts.writers;
    await q(
      `CREATE TEMP TABLE bench_buyers ON COMMIT DROP AS
       SELECT g AS n, gen_random_uuid()::text AS user_id, gen_random_uuid()::text AS order_id,
              gen_random_uuid()::text AS seller_order_id, now() - make_interval(mins => g * 50) - make_interval(secs => (random() * 600)::int) AS at
         FROM generate_series(1, $1::int) g`,
      [total],
    );
    await q(
      `INSERT INTO "users" ("id", "email", "name", "password_hash", "role", "created_at", "updated_at")
       SELECT user_id, 'buyer' || n || '@reviews.bench.test', 'Reviewer ' || n, 'no-login', 'BUYER', at - interval '30 days', now() FROM bench_buyers`,
    );
    await q(
      `INSERT INTO "orders" ("id", "buyer_id", "status", "total_cents", "idempotency_key", "request_hash", "shipping_address", "paid_at", "created_at", "updated_at")
       SELECT order_id, user_id, 'DELIVERED', 3999, 'bench-' || n, 'bench', '{"name":"Bench","line1":"1 Load St","city":"Benchville","postalCode":"12345","country":"US"}'::jsonb,
              at - interval '10 days', at - interval '10 days', now() FROM bench_buyers`,
    );
    await q(
      `INSERT INTO "seller_orders" ("id", "order_id", "shop_id", "status", "subtotal_cents", "commission_bps", "commission_cents", "shipped_at", "delivered_at", "created_at", "updated_at")
       SELECT seller_order_id, order_id, $1, 'DELIVERED', 3999, 1000, 400, at - interval '5 days', at - interval '2 days', at - interval '10 days', now() FROM bench_buyers`,
      [shop!.id],
    );
    await q(
      `INSERT INTO "order_items" ("id", "order_id", "seller_order_id", "product_id", "variant_id", "product_title", "variant_title", "sku", "unit_price_cents", "quantity", "line_total_cents")
       SELECT gen_random_uuid()::text, order_id, seller_order_id, $1, $2, 'Much-reviewed kettle', 'Default', 'KETTLE-1', 3999, 1, 3999 FROM bench_buyers`,
      [product!.id, variant!.id],
    );
    await q(
      `INSERT INTO "reviews" ("id", "author_id", "shop_id", "product_id", "seller_order_id", "rating", "title", "body", "status", "hidden_reason", "hidden_at",
                              "helpful_count", "created_at", "updated_at")
       SELECT gen_random_uuid()::text, user_id, $1, $2, seller_order_id, r.rating,
              CASE WHEN n % 4 = 0 THEN NULL ELSE 'Review ' || n || ': ' || (ARRAY['great','fine','solid','meh','poor'])[6 - r.rating] || ' kettle' END,
              repeat('Boils fast, pours cleanly, the lid stays put. ', 5) || 'Review number ' || n || '.',
              CASE WHEN n <= $3 THEN 'VISIBLE' ELSE 'HIDDEN' END::"ReviewStatus",
              CASE WHEN n <= $3 THEN NULL ELSE 'spam' END, CASE WHEN n <= $3 THEN NULL ELSE at END,
              floor(power(random(), 6) * 60)::int, at, at
         FROM bench_buyers,
              LATERAL (SELECT CASE WHEN x < 0.45 THEN 5 WHEN x < 0.70 THEN 4 WHEN x < 0.82 THEN 3 WHEN x < 0.90 THEN 2 ELSE 1 END AS rating
                         FROM (SELECT random() + n * 0 AS x) s) r
        WHERE n <= $4`,
      [shop!.id, product!.id, opts.reviews, opts.reviews + opts.hidden],
    );
    const writerRows = (await q(`SELECT user_id AS id FROM bench_buyers WHERE n > $1 ORDER BY n`, [opts.reviews + opts.hidden])) as { id: string }[];
    const writers: Writer[] = writerRows.map((w) => ({ id: w.id, token: newSessionToken().token }));
    await q(
      `INSERT INTO "sessions" ("id", "user_id", "token_hash", "user_agent", "ip", "expires_at")
       SELECT gen_random_uuid()::text, u, h, 'bench', '127.0.0.1', now() + interval '1 day' FROM unnest($1::text[], $2::text[]) AS t(u, h)`,
      [writers.map((w) => w.id), writers.map((w) => hashToken(w.token))],
    );
    await q("COMMIT");
    await recomputeFigures(database.prisma);
    await q("VACUUM ANALYZE");
    const counts = (await q(
      `SELECT count(*) FILTER (WHERE "status" = 'VISIBLE')::int AS visible, count(*) FILTER (WHERE "status" = 'HIDDEN')::int AS hidden FROM "reviews"`,
    )) as { visible: number; hidden: number }[];
    const seconds = (performance.now() - started) / 1000;
    log(`seeded 1 product with ${counts[0]!.visible} visible + ${counts[0]!.hidden} hidden reviews, ${writers.length} writers with sessions, in ${seconds.toFixed(1)} s`);
    return { url, database, productId: product!.id, shopId: shop!.id, visibleReviews: counts[0]!.visible, hiddenReviews: counts[0]!.hidden, writers, seconds };
  } catch (err) {
    await conn?.query("ROLLBACK").catch(() => {});
    await conn?.close().catch(() => {});
    conn = undefined;
    await database.close();
    throw err;
  } finally {
    await conn?.close();
  }
}
