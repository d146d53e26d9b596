/**
 * The search benchmark's catalog: `products` products (100,000 or 1,000,000) in 20 shops, each
 * with 1–4 variants, in a database of its own (created, migrated with the project's `migrate()`,
 * and dropped at the end).
 *
 * Titles are "<adjective> <material> <noun>" (and sometimes " – <colour>") from word lists per leaf
 * category, so full text and trigram search behave as on a real catalog: "mug" finds a few
 * thousand products per 100,000, "stoneware mug" a few hundred, "wool" about 8% of the catalog
 * (the broad query), and descriptions mention other words ("pairs well with a mug of tea") that
 * rank below title matches. Every run builds the same catalog.
 *
 * Set-based: the rows are generated inside PostgreSQL (`generate_series`, every random choice a
 * hash of the product's number and a salt, `hashint8`), in a handful of statements: 1,000,000
 * products with their variants and images in minutes. Triggers and foreign-key checks are off for
 * the session (`session_replication_role = replica`); the product figures the variants trigger
 * keeps (min/max price, in stock) are computed from the generated variants and written with the
 * products, then checked against the variants in SQL. The secondary indexes are dropped for the
 * load and built again after it (faster than maintaining them row by row, GIN above all).
 * VACUUM ANALYZE at the end.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { checkDatabaseName, createMigratedDatabase, withDatabase } from "../lib/databases.ts";
import { openDatabase } from "../../server/src/db/client.ts";
import { migrate } from "../../server/src/db/migrate.ts";

export interface SeedOptions {
  products: number;
  shops: number;
  seed: number;
}

export interface SeedSummary {
  products: number;
  listed: number;
  variants: number;
  images: number;
  categories: number;
  shops: number;
  seconds: number;
}

interface Leaf {
  name: string;
  parent: string;
  /** Relative share of the catalog. */
  weight: number;
  nouns: string[];
  materials: string[];
  /** Price range of the cheapest variant, in cents. */
  price: [number, number];
  features: string[];
}

const ROOTS = ["Home", "Fashion", "Stationery", "Toys", "Garden"];
const MIDDLE: [string, string][] = [
  ["Kitchen", "Home"],
  ["Decor", "Home"],
  ["Textiles", "Home"],
  ["Knitwear", "Fashion"],
  ["Bags", "Fashion"],
  ["Jewelry", "Fashion"],
];
const KITCHEN = ["Dishwasher and microwave safe.", "Glazed by hand, so no two are alike.", "Pairs well with our linen napkins.", "Food safe and lead free."];
const SOFT = ["Soft and warm, perfect for the sofa.", "Hand wash cold, dry flat.", "Spun and dyed in small batches.", "Naturally breathable."];
/** Now and then a description mentions another product: "mug" and "stoneware" also match there. */
const CROSS = ["Lovely with a hot mug of tea.", "Goes with any stoneware.", "A good match for our mugs.", "Wrapped in recycled paper."];
const MAKER = ["Cut, stitched and finished by hand.", "Made to last for years.", "Every piece is unique.", "Designed and made in our studio."];
const LEAVES: Leaf[] = [
  { name: "Mugs & Cups", parent: "Kitchen", weight: 2, nouns: ["Mug", "Mug", "Coffee Mug", "Cup", "Tumbler", "Teacup", "Espresso Cup", "Travel Mug", "Beaker"], materials: ["Stoneware", "Porcelain", "Ceramic", "Enamel", "Glass", "Earthenware", "Bone China"], price: [900, 4500], features: [...KITCHEN, "Holds 350 ml of coffee or tea."] },
  { name: "Plates & Bowls", parent: "Kitchen", weight: 3, nouns: ["Plate", "Dinner Plate", "Side Plate", "Bowl", "Serving Bowl", "Platter", "Salad Bowl"], materials: ["Stoneware", "Porcelain", "Ceramic", "Walnut", "Olive Wood", "Earthenware"], price: [1200, 9000], features: [...KITCHEN, "Stackable for small cupboards."] },
  { name: "Cookware", parent: "Kitchen", weight: 1, nouns: ["Skillet", "Dutch Oven", "Saucepan", "Baking Dish", "Casserole"], materials: ["Cast Iron", "Copper", "Stoneware", "Enamelled Steel"], price: [3500, 30000], features: ["Oven safe to 260 °C.", "Works on every hob, induction included.", "Seasoned and ready to cook."] },
  { name: "Utensils", parent: "Kitchen", weight: 1, nouns: ["Spoon", "Spatula", "Ladle", "Cutting Board", "Salad Servers"], materials: ["Walnut", "Olive Wood", "Maple", "Brass", "Bamboo"], price: [600, 6000], features: ["Oiled with food-safe beeswax.", "Hand wash only.", ...MAKER] },
  { name: "Candles", parent: "Decor", weight: 1.5, nouns: ["Candle", "Pillar Candle", "Taper Candles", "Tea Lights", "Candle Holder"], materials: ["Beeswax", "Soy Wax", "Brass", "Concrete"], price: [500, 5000], features: ["Burns for forty hours.", "Scented with essential oils.", "Cotton wick, no paraffin."] },
  { name: "Vases", parent: "Decor", weight: 1, nouns: ["Vase", "Bud Vase", "Jug", "Vessel"], materials: ["Stoneware", "Glass", "Porcelain", "Terracotta"], price: [1500, 12000], features: ["Watertight glaze inside.", ...MAKER] },
  { name: "Wall Art", parent: "Decor", weight: 1, nouns: ["Print", "Poster", "Wall Hanging", "Mirror"], materials: ["Linen", "Cotton", "Macrame", "Brass"], price: [1500, 25000], features: ["Ready to hang.", "Printed on archival paper.", ...MAKER] },
  { name: "Blankets", parent: "Textiles", weight: 1, nouns: ["Throw Blanket", "Blanket", "Quilt", "Bedspread"], materials: ["Wool", "Merino Wool", "Linen", "Cotton", "Alpaca"], price: [4500, 30000], features: SOFT },
  { name: "Cushions", parent: "Textiles", weight: 1, nouns: ["Cushion Cover", "Pillow", "Floor Cushion"], materials: ["Linen", "Velvet", "Cotton", "Wool"], price: [1800, 9000], features: SOFT },
  { name: "Hats", parent: "Knitwear", weight: 1, nouns: ["Beanie", "Bucket Hat", "Cap", "Beret"], materials: ["Merino Wool", "Alpaca", "Cotton", "Wool", "Cashmere"], price: [1500, 9000], features: SOFT },
  { name: "Scarves", parent: "Knitwear", weight: 1, nouns: ["Scarf", "Shawl", "Snood"], materials: ["Merino Wool", "Silk", "Cashmere", "Linen"], price: [2000, 15000], features: SOFT },
  { name: "Sweaters", parent: "Knitwear", weight: 1, nouns: ["Sweater", "Cardigan", "Jumper"], materials: ["Merino Wool", "Alpaca", "Cotton", "Cashmere"], price: [4500, 28000], features: SOFT },
  { name: "Totes", parent: "Bags", weight: 1, nouns: ["Tote Bag", "Market Bag", "Backpack", "Crossbody Bag"], materials: ["Canvas", "Leather", "Jute", "Waxed Cotton"], price: [1500, 22000], features: MAKER },
  { name: "Wallets", parent: "Bags", weight: 1, nouns: ["Wallet", "Card Holder", "Coin Purse", "Key Fob"], materials: ["Leather", "Cork", "Waxed Canvas"], price: [1200, 9000], features: MAKER },
  { name: "Rings", parent: "Jewelry", weight: 1, nouns: ["Ring", "Stacking Ring", "Signet Ring"], materials: ["Sterling Silver", "Gold Vermeil", "Brass", "Rose Gold"], price: [2000, 40000], features: ["Sized to order.", "Arrives in a gift box.", ...MAKER] },
  { name: "Necklaces", parent: "Jewelry", weight: 1, nouns: ["Necklace", "Pendant", "Chain"], materials: ["Sterling Silver", "Gold Vermeil", "Brass", "Rose Gold"], price: [2000, 40000], features: ["Arrives in a gift box.", ...MAKER] },
  { name: "Earrings", parent: "Jewelry", weight: 1, nouns: ["Earrings", "Studs", "Hoops"], materials: ["Sterling Silver", "Gold Vermeil", "Brass"], price: [1500, 20000], features: ["Nickel free.", "Arrives in a gift box."] },
  { name: "Shoes", parent: "Fashion", weight: 1, nouns: ["Slippers", "Sandals", "Boots", "Moccasins"], materials: ["Leather", "Suede", "Felted Wool"], price: [3000, 25000], features: MAKER },
  { name: "Notebooks", parent: "Stationery", weight: 1, nouns: ["Notebook", "Journal", "Sketchbook", "Planner"], materials: ["Recycled Paper", "Leather", "Linen"], price: [800, 6000], features: ["Lies flat when open.", "120 gsm paper.", ...MAKER] },
  { name: "Cards", parent: "Stationery", weight: 1, nouns: ["Greeting Card", "Postcard Set", "Gift Tags"], materials: ["Letterpress", "Recycled Paper", "Watercolour"], price: [300, 2500], features: ["Blank inside.", "With a kraft envelope."] },
  { name: "Pens", parent: "Stationery", weight: 0.5, nouns: ["Fountain Pen", "Pen", "Pencil Set"], materials: ["Brass", "Walnut", "Resin"], price: [1200, 15000], features: MAKER },
  { name: "Wooden Toys", parent: "Toys", weight: 1, nouns: ["Toy Car", "Building Blocks", "Puzzle", "Rattle"], materials: ["Beech", "Maple", "Oak"], price: [900, 8000], features: ["Finished with non-toxic oil.", "For ages three and up."] },
  { name: "Plush", parent: "Toys", weight: 0.5, nouns: ["Teddy Bear", "Plush Bunny", "Doll"], materials: ["Organic Cotton", "Wool", "Felt"], price: [1500, 7000], features: SOFT },
  { name: "Planters", parent: "Garden", weight: 1, nouns: ["Planter", "Plant Pot", "Hanging Planter"], materials: ["Terracotta", "Concrete", "Stoneware", "Ceramic"], price: [1200, 12000], features: ["With a drainage hole and saucer.", ...MAKER] },
  { name: "Garden Tools", parent: "Garden", weight: 0.5, nouns: ["Trowel", "Pruners", "Watering Can"], materials: ["Copper", "Steel", "Ash"], price: [1500, 9000], features: ["Ash handle, forged head.", ...MAKER] },
];
const ADJECTIVES = ["Handmade", "Rustic", "Speckled", "Minimal", "Classic", "Vintage", "Modern", "Large", "Small", "Hand-Painted", "Organic", "Striped", "Glazed", "Matte", "Nordic", "Chunky", "Tiny", "Oversized", "Personalised", "Everyday"];
const COLOURS = ["Sage", "Ochre", "Charcoal", "Ivory", "Terracotta", "Indigo", "Blush", "Forest Green", "Sand", "Navy"];
const SHOP_WORDS = ["Clay", "Kiln", "North", "Wind", "Paper", "Moss", "Oak", "Ember", "Linen", "Tide", "Fern", "Copper", "Hollow", "Birch", "Salt", "Wren"];
const SHOP_SUFFIX = ["Studio", "& Co", "Works", "Goods", "Makers", "Atelier", "House", "Supply"];
const VARIANT_NAMES = ["Small", "Medium", "Large", "Set of 2", "Set of 4", "Gift Box"];

const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Deterministic ids for the few rows made here (shops, users, categories): cuid2-like. */
function idMaker(seed: number) {
  let n = 0;
  return (kind: string) => `c${createHash("sha256").update(`${seed}:${kind}:${n++}`).digest("hex").slice(0, 23)}`;
}

/** Inserts columns of equal length with one `unnest` statement per chunk. */
async function insertColumns(client: pg.Client, table: string, columns: [name: string, type: string, values: unknown[]][], chunk = 10_000) {
  const n = columns[0]![2].length;
  const names = columns.map(([c]) => `"${c}"`).join(", ");
  const params = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  for (let at = 0; at < n; at += chunk) {
    await client.query(
      `INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${params})`,
      columns.map(([, , values]) => values.slice(at, at + chunk)),
    );
  }
}

/** The leaves as SQL rows: their word lists, price range, shops and share of the catalog. */
async function createLeafTable(client: pg.Client, categoryId: Map<string, string>, leafShops: string[][]) {
  await client.query(`CREATE TEMP TABLE seed_leaves (
    idx int PRIMARY KEY, category_id text, nouns text[], materials text[], features text[], shops text[], lo int, hi int)`);
  for (const [i, l] of LEAVES.entries()) {
    await client.query(`INSERT INTO seed_leaves VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      i + 1,
      categoryId.get(l.name),
      l.nouns,
      l.materials,
      l.features,
      leafShops[i],
      l.price[0],
      l.price[1],
    ]);
  }
}

/** Creates database `name` (dropping any leftover), migrates it and fills it. Returns its URL. */
export async function seedDatabase(adminUrl: string, name: string, opts: SeedOptions, log: (msg: string) => void): Promise<{ url: string; summary: SeedSummary }> {
  const started = performance.now();
  const { url, database } = await createMigratedDatabase(adminUrl, name, 1);
  await database.close(); // the rows go in through one pg client

  const id = idMaker(opts.seed);
  const now = Date.UTC(2026, 10, 27);
  const ts = (ms: number) => new Date(ms).toISOString();

  // Categories: roots, middle nodes, leaves.
  const categoryId = new Map<string, string>();
  const cat: [string[], (string | null)[], string[], string[], number[]] = [[], [], [], [], []];
  const addCategory = (nameOf: string, parent: string | null, position: number) => {
    const cid = id("category");
    categoryId.set(nameOf, cid);
    cat[0].push(cid);
    cat[1].push(parent === null ? null : categoryId.get(parent)!);
    cat[2].push(nameOf);
    cat[3].push(slugify(nameOf));
    cat[4].push(position);
  };
  ROOTS.forEach((n, i) => addCategory(n, null, i));
  MIDDLE.forEach(([n, parent], i) => addCategory(n, parent, i));
  LEAVES.forEach((l, i) => addCategory(l.name, l.parent, i));

  // Shops and their owners: the last one SUSPENDED (its products are never listed).
  const shopIds: string[] = [];
  const users: [string[], string[], string[]] = [[], [], []];
  const shops: [string[], string[], string[], string[], string[]] = [[], [], [], [], []];
  for (let i = 0; i < opts.shops; i++) {
    const shopName = `${SHOP_WORDS[i % SHOP_WORDS.length]} ${SHOP_WORDS[(i * 7 + 3) % SHOP_WORDS.length]} ${SHOP_SUFFIX[i % SHOP_SUFFIX.length]}`;
    const userId = id("user");
    const shopId = id("shop");
    shopIds.push(shopId);
    users[0].push(userId);
    users[1].push(`seller${i}@bench.test`);
    users[2].push(`Seller ${i}`);
    shops[0].push(shopId);
    shops[1].push(userId);
    shops[2].push(shopName);
    shops[3].push(`${slugify(shopName)}-${i}`);
    shops[4].push(i === opts.shops - 1 ? "SUSPENDED" : "ACTIVE");
  }
  // Each leaf is sold by a handful of shops.
  const leafShops = LEAVES.map((_, i) => Array.from({ length: 4 }, (_, k) => shopIds[(i * 3 + k * 5) % shopIds.length]!));
  // The leaves' cumulative shares: width_bucket over them picks a product's leaf.
  const totalWeight = LEAVES.reduce((s, l) => s + l.weight, 0);
  const bounds = LEAVES.slice(0, -1).reduce<number[]>((acc, l) => [...acc, (acc.at(-1) ?? 0) + l.weight / totalWeight], []);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query("SET work_mem = '64MB'");
    await insertColumns(client, "users", [
      ["id", "text", users[0]],
      ["email", "text", users[1]],
      ["name", "text", users[2]],
      ["password_hash", "text", users[0].map(() => "not-a-real-hash")],
      ["role", '"Role"', users[0].map(() => "SELLER")],
      ["updated_at", "timestamptz", users[0].map(() => ts(now))],
    ]);
    await insertColumns(client, "shops", [
      ["id", "text", shops[0]],
      ["owner_id", "text", shops[1]],
      ["name", "text", shops[2]],
      ["slug", "text", shops[3]],
      ["status", '"ShopStatus"', shops[4]],
      ["updated_at", "timestamptz", shops[0].map(() => ts(now))],
    ]);
    await insertColumns(client, "categories", [
      ["id", "text", cat[0]],
      ["parent_id", "text", cat[1]],
      ["name", "text", cat[2]],
      ["slug", "text", cat[3]],
      ["position", "int", cat[4]],
    ]);
    await createLeafTable(client, categoryId, leafShops);

    // The secondary indexes of the big tables, dropped for the load and built again after it.
    const { rows: indexes } = await client.query<{ name: string; def: string }>(`
      SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
       WHERE i.indrelid IN ('products'::regclass, 'variants'::regclass, 'product_images'::regclass)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`);
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);

    // r(i, salt): a number in [0, 1) that depends only on i and salt (i below 2^50, salt below 64).
    await client.query(`CREATE FUNCTION pg_temp.r(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE
      AS $$ SELECT (hashint8(i * 64 + salt + ${opts.seed}::bigint * 4294967296)::float8 + 2147483648) / 4294967296 $$`);
    const t0 = performance.now();
    // Each product's choices, once: leaf, words, shop, variant count, base price.
    await client.query(
      `CREATE TEMP TABLE seed_products AS
       SELECT g.i, 'p' || substr(md5($1 || ':' || g.i), 1, 23) AS id, l.idx AS leaf, l.category_id,
              l.materials[1 + floor(pg_temp.r(g.i, 2) * cardinality(l.materials))::int] AS material,
              l.nouns[1 + floor(pg_temp.r(g.i, 3) * cardinality(l.nouns))::int] AS noun,
              CASE WHEN pg_temp.r(g.i, 4) < 0.7 THEN ($2::text[])[1 + floor(pg_temp.r(g.i, 5) * cardinality($2::text[]))::int] || ' ' ELSE '' END AS adjective,
              CASE WHEN pg_temp.r(g.i, 6) < 0.3 THEN ' – ' || ($3::text[])[1 + floor(pg_temp.r(g.i, 7) * cardinality($3::text[]))::int] ELSE '' END AS colour,
              l.shops[1 + floor(pg_temp.r(g.i, 8) * cardinality(l.shops))::int] AS shop_id,
              l.features[1 + floor(pg_temp.r(g.i, 9) * cardinality(l.features))::int] || ' ' ||
                l.features[1 + floor(pg_temp.r(g.i, 10) * cardinality(l.features))::int] || ' ' ||
                CASE WHEN pg_temp.r(g.i, 11) < 0.04 THEN ($4::text[])[1 + floor(pg_temp.r(g.i, 12) * cardinality($4::text[]))::int]
                     ELSE ($5::text[])[1 + floor(pg_temp.r(g.i, 12) * cardinality($5::text[]))::int] END AS features,
              CASE WHEN pg_temp.r(g.i, 13) < 0.04 THEN 'DRAFT' WHEN pg_temp.r(g.i, 13) < 0.07 THEN 'ARCHIVED' ELSE 'ACTIVE' END AS status,
              CASE WHEN pg_temp.r(g.i, 14) < 0.6 THEN round((2.5 + pg_temp.r(g.i, 15) * 2.5)::numeric, 2)::float8 ELSE 0 END AS rating_avg,
              CASE WHEN pg_temp.r(g.i, 14) < 0.6 THEN 1 + floor(pg_temp.r(g.i, 16) * 300)::int ELSE 0 END AS rating_count,
              -- A few products share a creation time with the one before: ties in the newest sort.
              to_timestamp($6::float8 / 1000 - floor(pg_temp.r(CASE WHEN pg_temp.r(g.i, 17) < 0.02 THEN g.i - 1 ELSE g.i END, 18) * $7::float8)) AS created_at,
              CASE WHEN pg_temp.r(g.i, 19) < 0.0025 THEN 0 ELSE (ARRAY[1, 1, 1, 1, 2, 2, 2, 3, 3, 4])[1 + floor(pg_temp.r(g.i, 20) * 10)::int] END AS nv,
              exp(ln(l.lo) + pg_temp.r(g.i, 21) * (ln(l.hi) - ln(l.lo))) AS base,
              CASE WHEN pg_temp.r(g.i, 22) < 0.3 THEN 0 ELSE 1 + floor(pg_temp.r(g.i, 23) * 3)::int END AS ni
         FROM generate_series(1, $8::int) AS g(i)
         JOIN seed_leaves l ON l.idx = width_bucket(pg_temp.r(g.i, 1), $9::float8[]) + 1`,
      [opts.seed, ADJECTIVES, COLOURS, CROSS, MAKER, now, 3 * 365 * 24 * 3600, opts.products, bounds],
    );
    await client.query(
      `INSERT INTO variants (id, product_id, shop_id, sku, title, price_cents, stock, position, updated_at)
       SELECT 'v' || substr(md5(p.id || ':' || k), 1, 23), p.id, p.shop_id, p.id || '-' || (k + 1),
              CASE WHEN p.nv = 1 THEN 'Default' ELSE ($1::text[])[k + 1] END,
              greatest(100, round(p.base * (1 + k * (0.2 + pg_temp.r(p.i * 8 + k, 24) * 0.6)) / 100)::int * 100 - 1),
              CASE WHEN pg_temp.r(p.i * 8 + k, 25) < 0.15 THEN 0 ELSE 1 + floor(pg_temp.r(p.i * 8 + k, 26) * 40)::int END,
              k, to_timestamp($2::float8 / 1000)
         FROM seed_products p CROSS JOIN LATERAL generate_series(0, p.nv - 1) AS k`,
      [VARIANT_NAMES, now],
    );
    await client.query(
      `INSERT INTO products (id, shop_id, category_id, title, slug, description, status, rating_avg, rating_count, rating_score,
                             created_at, updated_at, min_price_cents, max_price_cents, in_stock)
       SELECT p.id, p.shop_id, p.category_id, t.title,
              trim(both '-' from regexp_replace(lower(t.title), '[^a-z0-9]+', '-', 'g')) || '-' || substr(p.id, 1, 8),
              p.noun || ' in ' || lower(p.material) || ', made in small batches. ' || p.features,
              p.status::"ProductStatus", p.rating_avg, p.rating_count, (15 + p.rating_avg * p.rating_count) / (5 + p.rating_count),
              p.created_at, p.created_at, f.mn, f.mx, coalesce(f.st, false)
         FROM seed_products p
         CROSS JOIN LATERAL (SELECT p.adjective || p.material || ' ' || p.noun || p.colour AS title) t
         LEFT JOIN (SELECT product_id, min(price_cents) AS mn, max(price_cents) AS mx, bool_or(stock > 0) AS st
                      FROM variants GROUP BY product_id) f ON f.product_id = p.id`,
    );
    await client.query(
      `INSERT INTO product_images (id, product_id, url, alt, position)
       SELECT 'i' || substr(md5(p.id || ':img:' || k), 1, 23), p.id, 'https://img.bench.test/' || p.id || '/' || k || '.jpg',
              pr.title || ', view ' || (k + 1), k
         FROM seed_products p JOIN products pr ON pr.id = p.id CROSS JOIN LATERAL generate_series(0, p.ni - 1) AS k`,
    );
    log(`generated rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; building ${indexes.length} indexes`);
    const t1 = performance.now();
    for (const ix of indexes) await client.query(ix.def);
    log(`indexes built in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await client.query("SET session_replication_role = DEFAULT");
    await expectFiguresRight(client);
    await client.query("VACUUM (ANALYZE) products, variants, product_images, shops, categories");
    const { rows } = await client.query<{ products: number; listed: number; variants: number; images: number }>(`
      SELECT count(*)::int AS products,
             count(*) FILTER (WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' AND p.min_price_cents IS NOT NULL)::int AS listed,
             (SELECT count(*)::int FROM variants) AS variants, (SELECT count(*)::int FROM product_images) AS images
        FROM products p JOIN shops s ON s.id = p.shop_id`);
    const summary: SeedSummary = {
      products: rows[0]!.products,
      listed: rows[0]!.listed,
      variants: rows[0]!.variants,
      images: rows[0]!.images,
      categories: cat[0].length,
      shops: opts.shops,
      seconds: (performance.now() - started) / 1000,
    };
    log(`seeded ${summary.products} products (${summary.listed} listed), ${summary.variants} variants, ${summary.images} images in ${summary.seconds.toFixed(1)} s`);
    return { url, summary };
  } finally {
    await client.end();
  }
}

/**
 * A database seeded by an earlier run (`--keep`), migrated to the current migrations, if it holds
 * `products` products; null when it does not exist or holds another number.
 */
export async function reuseDatabase(adminUrl: string, name: string, products: number, log: (msg: string) => void): Promise<{ url: string; summary: SeedSummary } | null> {
  checkDatabaseName(name);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  await admin.end();
  if (!exists) return null;
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    const conn = await database.connect();
    try {
      const applied = await migrate(conn);
      if (applied.length) log(`reused ${name}: applied ${applied.join(", ")}`);
    } finally {
      await conn.close();
    }
  } finally {
    await database.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ products: number; listed: number; variants: number; images: number; categories: number; shops: number }>(`
      SELECT count(*)::int AS products,
             count(*) FILTER (WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' AND p.min_price_cents IS NOT NULL)::int AS listed,
             (SELECT count(*)::int FROM variants) AS variants, (SELECT count(*)::int FROM product_images) AS images,
             (SELECT count(*)::int FROM categories) AS categories, (SELECT count(*)::int FROM shops) AS shops
        FROM products p JOIN shops s ON s.id = p.shop_id`);
    const r = rows[0]!;
    if (r.products !== products) {
      log(`${name} holds ${r.products} products, not ${products}: seeding afresh`);
      return null;
    }
    log(`reusing ${name}: ${r.products} products (${r.listed} listed), ${r.variants} variants, ${r.images} images`);
    return { url, summary: { ...r, seconds: 0 } };
  } finally {
    await client.end();
  }
}

/** Every product's min/max price and in_stock agree with its variants. */
async function expectFiguresRight(client: pg.Client) {
  const { rows } = await client.query<{ wrong: number }>(`
    SELECT count(*)::int AS wrong FROM products p
      LEFT JOIN (SELECT product_id, min(price_cents) AS mn, max(price_cents) AS mx, bool_or(stock > 0) AS st FROM variants GROUP BY product_id) a
        ON a.product_id = p.id
     WHERE (p.min_price_cents, p.max_price_cents, p.in_stock) IS DISTINCT FROM (a.mn, a.mx, coalesce(a.st, false))`);
  if (rows[0]!.wrong !== 0) throw new Error(`${rows[0]!.wrong} products have figures that disagree with their variants`);
}

/**
 * Exercises the variants trigger on the seeded catalog and checks every product's figures against
 * the variants. Returns the time per variant write with the trigger, for the note.
 */
export async function checkTrigger(url: string, log: (msg: string) => void): Promise<{ crossingMs: number; plainMs: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sample = await client.query<{ id: string }>(`SELECT id FROM variants WHERE stock > 1 ORDER BY id LIMIT 500`);
    const ids = sample.rows.map((r) => r.id);
    // A stock change on the same side of zero (most checkouts): the WHEN clause skips it.
    let t = performance.now();
    for (const id of ids) await client.query(`UPDATE variants SET stock = stock - 1 WHERE id = $1`, [id]);
    const plainMs = (performance.now() - t) / ids.length;
    // Emptying and refilling: each goes through the product (lock + recompute).
    t = performance.now();
    for (const id of ids) await client.query(`UPDATE variants SET stock = 0 WHERE id = $1`, [id]);
    for (const id of ids) await client.query(`UPDATE variants SET stock = 5 WHERE id = $1`, [id]);
    const crossingMs = (performance.now() - t) / (2 * ids.length);
    // Prices up and down, a new variant and a deleted one.
    await client.query(`UPDATE variants SET price_cents = price_cents + 100 WHERE id = ANY($1::text[])`, [ids.slice(0, 100)]);
    await client.query(`UPDATE variants SET price_cents = 99 WHERE id = ANY($1::text[])`, [ids.slice(100, 150)]);
    await client.query(`
      INSERT INTO variants (id, product_id, shop_id, sku, title, price_cents, stock, updated_at)
      SELECT 'bench-extra-' || v.id, v.product_id, v.shop_id, 'extra-' || v.sku, 'Extra', 50, 1, now() FROM variants v WHERE v.id = ANY($1::text[])`, [ids.slice(150, 200)]);
    await client.query(`DELETE FROM variants WHERE id = ANY($1::text[])`, [ids.slice(200, 250)]);
    await expectFiguresRight(client);
    await client.query("VACUUM (ANALYZE) products, variants");
    log(`trigger: figures of every product agree with its variants; a stock write costs ${plainMs.toFixed(2)} ms, ${crossingMs.toFixed(2)} ms when it crosses zero`);
    return { crossingMs, plainMs };
  } finally {
    await client.end();
  }
}
