/**
 * The search benchmark's catalog: 100,000 products in 20 shops, each with 1–4 variants, in a
 * database of its own (created, migrated with the project's `migrate()`, and dropped at the end).
 *
 * Titles are "<adjective> <material> <noun>" (and sometimes " – <colour>") from word lists per leaf
 * category, so full text and trigram search behave as on a real catalog: "mug" finds a few
 * thousand products, "stoneware mug" a few hundred, and descriptions mention other words
 * ("pairs well with a mug of tea") that rank below title matches. Everything comes from one
 * seeded generator: every run builds the same catalog.
 *
 * Rows go in with `INSERT … SELECT FROM unnest($1::text[], …)` in chunks of 10,000, with triggers
 * off for the session (`session_replication_role = replica`: no per-row trigger or foreign-key
 * check). The product figures the variants trigger keeps (min/max price, in stock) are computed
 * here and written with the products, then checked against the variants in SQL. VACUUM ANALYZE
 * at the end.
 */
import pg from "pg";
import { createMigratedDatabase } from "../lib/databases.ts";

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

/** Deterministic numbers (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const id = () => {
    // cuid2-like: a letter, then 23 base-36 characters.
    let s = String.fromCharCode(97 + Math.floor(next() * 26));
    for (let i = 0; i < 23; i++) s += Math.floor(next() * 36).toString(36);
    return s;
  };
  return { next, int, pick, id };
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

/** Creates database `name` (dropping any leftover), migrates it and fills it. Returns its URL. */
export async function seedDatabase(adminUrl: string, name: string, opts: SeedOptions, log: (msg: string) => void): Promise<{ url: string; summary: SeedSummary }> {
  const started = performance.now();
  const { url, database } = await createMigratedDatabase(adminUrl, name, 1);
  await database.close(); // the rows go in through one pg client with COPY

  const r = rng(opts.seed);
  const now = Date.UTC(2026, 10, 27);
  const ts = (ms: number) => new Date(ms).toISOString();

  // Categories: roots, middle nodes, leaves.
  const categoryId = new Map<string, string>();
  const cat: [string[], (string | null)[], string[], string[], number[]] = [[], [], [], [], []];
  const addCategory = (nameOf: string, parent: string | null, position: number) => {
    const id = r.id();
    categoryId.set(nameOf, id);
    cat[0].push(id);
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
    const userId = r.id();
    const shopId = r.id();
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
  const totalWeight = LEAVES.reduce((s, l) => s + l.weight, 0);
  const pickLeaf = () => {
    let x = r.next() * totalWeight;
    for (let i = 0; i < LEAVES.length; i++) {
      x -= LEAVES[i]!.weight;
      if (x < 0) return i;
    }
    return LEAVES.length - 1;
  };

  const P = { id: [] as string[], shop: [] as string[], category: [] as string[], title: [] as string[], slug: [] as string[], description: [] as string[], status: [] as string[], ratingAvg: [] as number[], ratingCount: [] as number[], createdAt: [] as string[], minPrice: [] as (number | null)[], maxPrice: [] as (number | null)[], inStock: [] as boolean[] };
  const V = { id: [] as string[], product: [] as string[], shop: [] as string[], sku: [] as string[], title: [] as string[], price: [] as number[], stock: [] as number[], position: [] as number[] };
  const I = { id: [] as string[], product: [] as string[], url: [] as string[], alt: [] as string[], position: [] as number[] };
  const span = 3 * 365 * 24 * 3_600_000;
  for (let i = 0; i < opts.products; i++) {
    const leafIndex = pickLeaf();
    const leaf = LEAVES[leafIndex]!;
    const material = r.pick(leaf.materials);
    const noun = r.pick(leaf.nouns);
    let title = `${material} ${noun}`;
    if (r.next() < 0.7) title = `${r.pick(ADJECTIVES)} ${title}`;
    if (r.next() < 0.3) title += ` – ${r.pick(COLOURS)}`;
    const shop = r.pick(leafShops[leafIndex]!);
    const id = r.id();
    P.id.push(id);
    P.shop.push(shop);
    P.category.push(categoryId.get(leaf.name)!);
    P.title.push(title);
    P.slug.push(`${slugify(title)}-${id.slice(0, 8)}`);
    P.description.push(
      `${noun} in ${material.toLowerCase()}, made in small batches. ${r.pick(leaf.features)} ${r.pick(leaf.features)} ${r.next() < 0.04 ? r.pick(CROSS) : r.pick(MAKER)}`,
    );
    const s = r.next();
    P.status.push(s < 0.04 ? "DRAFT" : s < 0.07 ? "ARCHIVED" : "ACTIVE");
    const rated = r.next() < 0.6;
    P.ratingAvg.push(rated ? Math.round((2.5 + r.next() * 2.5) * 100) / 100 : 0);
    P.ratingCount.push(rated ? r.int(1, 300) : 0);
    // A few products share a creation time with the one before: ties in the newest sort.
    P.createdAt.push(i > 0 && r.next() < 0.02 ? P.createdAt[i - 1]! : ts(now - Math.floor(r.next() * span)));

    // 1–4 variants (0 for one product in 400: never listed); the cheapest within the leaf's range.
    const nv = r.next() < 0.0025 ? 0 : [1, 1, 1, 1, 2, 2, 2, 3, 3, 4][r.int(0, 9)]!;
    const [lo, hi] = leaf.price;
    const base = Math.exp(Math.log(lo) + r.next() * (Math.log(hi) - Math.log(lo)));
    const firstVariant = V.id.length;
    for (let k = 0; k < nv; k++) {
      const price = Math.max(100, Math.round((base * (1 + k * (0.2 + r.next() * 0.6))) / 100) * 100 - 1);
      V.id.push(r.id());
      V.product.push(id);
      V.shop.push(shop);
      V.sku.push(`${id.slice(0, 10)}-${k + 1}`);
      V.title.push(nv === 1 ? "Default" : VARIANT_NAMES[k]!);
      V.price.push(price);
      V.stock.push(r.next() < 0.15 ? 0 : r.int(1, 40));
      V.position.push(k);
    }
    // The figures the variants trigger keeps, written with the product (no second pass over the table).
    const prices = V.price.slice(firstVariant);
    P.minPrice.push(nv ? Math.min(...prices) : null);
    P.maxPrice.push(nv ? Math.max(...prices) : null);
    P.inStock.push(V.stock.slice(firstVariant).some((x) => x > 0));
    const ni = r.next() < 0.3 ? 0 : r.int(1, 3);
    for (let k = 0; k < ni; k++) {
      I.id.push(r.id());
      I.product.push(id);
      I.url.push(`https://img.bench.test/${id}/${k}.jpg`);
      I.alt.push(`${title}, view ${k + 1}`);
      I.position.push(k);
    }
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
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
    await insertColumns(client, "products", [
      ["id", "text", P.id],
      ["shop_id", "text", P.shop],
      ["category_id", "text", P.category],
      ["title", "text", P.title],
      ["slug", "text", P.slug],
      ["description", "text", P.description],
      ["status", '"ProductStatus"', P.status],
      ["rating_avg", "float8", P.ratingAvg],
      ["rating_count", "int", P.ratingCount],
      ["created_at", "timestamptz", P.createdAt],
      ["updated_at", "timestamptz", P.createdAt],
      ["min_price_cents", "int", P.minPrice],
      ["max_price_cents", "int", P.maxPrice],
      ["in_stock", "bool", P.inStock],
    ]);
    await insertColumns(client, "variants", [
      ["id", "text", V.id],
      ["product_id", "text", V.product],
      ["shop_id", "text", V.shop],
      ["sku", "text", V.sku],
      ["title", "text", V.title],
      ["price_cents", "int", V.price],
      ["stock", "int", V.stock],
      ["position", "int", V.position],
      ["updated_at", "timestamptz", V.id.map(() => ts(now))],
    ]);
    await insertColumns(client, "product_images", [
      ["id", "text", I.id],
      ["product_id", "text", I.product],
      ["url", "text", I.url],
      ["alt", "text", I.alt],
      ["position", "int", I.position],
    ]);
    await client.query("SET session_replication_role = DEFAULT");
    await expectFiguresRight(client);
    await client.query("VACUUM (ANALYZE) products, variants, product_images, shops, categories");
    const { rows } = await client.query<{ products: number; listed: number }>(`
      SELECT count(*)::int AS products,
             count(*) FILTER (WHERE p.status = 'ACTIVE' AND s.status = 'ACTIVE' AND p.min_price_cents IS NOT NULL)::int AS listed
        FROM products p JOIN shops s ON s.id = p.shop_id`);
    const summary: SeedSummary = {
      products: rows[0]!.products,
      listed: rows[0]!.listed,
      variants: V.id.length,
      images: I.id.length,
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
