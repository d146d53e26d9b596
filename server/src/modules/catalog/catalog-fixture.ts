import type { Db } from "../../db/client.ts";
import { makeProduct, makeShop, type MakeVariant } from "../../test/factories.ts";
import type { TestApp } from "../../test/harness.ts";

/**
 * The catalog the catalog tests search: a small category tree, three active shops, a suspended
 * and a pending one, a dozen hand-written products for relevance and typo tests, and ~90
 * generated ones whose prices sit on the facet buckets' edges, with ties in every sort key.
 * Drafts, archived products, products of the suspended and pending shops and a product without
 * variants are mixed in: none of them may ever be listed.
 */
export interface CatalogFixture {
  categories: Record<CategoryKey, string>;
  shops: Record<ShopKey, string>;
  /** The hand-written products by name. */
  named: Record<NamedKey, string>;
}

type CategoryKey = "home" | "kitchen" | "mugs" | "tableware" | "decor" | "fashion" | "knitwear" | "hats" | "shoes" | "stationery";
type ShopKey = "clay" | "north" | "paper" | "suspended" | "pending";
type NamedKey =
  | "speckledMug"
  | "coffeeMug"
  | "campMug"
  | "dinnerPlate"
  | "teaMug"
  | "merinoBeanie"
  | "merinoScarf"
  | "chunkyBeanie"
  | "typoBeanie"
  | "beeswaxCandle"
  | "suspendedMug"
  | "pendingBeanie"
  | "draftMug"
  | "archivedBeanie"
  | "noVariants";

/** [key, name, parent, position]: siblings with equal positions are ordered by name. */
const CATEGORY_TREE: [CategoryKey, string, CategoryKey | null, number][] = [
  ["home", "Home", null, 0],
  ["fashion", "Fashion", null, 1],
  ["stationery", "Stationery", null, 1],
  ["kitchen", "Kitchen", "home", 0],
  ["decor", "Decor", "home", 1],
  ["mugs", "Mugs", "kitchen", 0],
  ["tableware", "Tableware", "kitchen", 1],
  ["shoes", "Shoes", "fashion", 0],
  ["knitwear", "Knitwear", "fashion", 0],
  ["hats", "Hats", "knitwear", 0],
];

/** Prices on and around the bucket edges (in cents). */
const PRICES = [299, 999, 1000, 1500, 2499, 2500, 4999, 5000, 7500, 9999, 10000, 25000];
/** Includes thirds: averages with no short decimal form must survive a cursor round trip exactly. */
const RATINGS = [0, 1, 1.5, 2, 2.99, 3, 10 / 3, 10 / 3, 3.5, 3.99, 4, 4, 4.2, 13 / 3, 5];
const RATING_COUNTS = [0, 3, 10, 10, 25];
const ADJECTIVES = ["Rustic", "Modern", "Classic", "Tiny", "Bold", "Quiet"];
const MATERIALS = ["Linen", "Walnut", "Copper", "Cotton", "Leather", "Brass", "Oak"];
const NOUNS = ["Tote", "Wallet", "Candle", "Notebook", "Vase", "Spoon", "Bowl", "Apron", "Socks", "Lamp"];
const LEAVES: CategoryKey[] = ["mugs", "tableware", "decor", "hats", "shoes", "stationery", "knitwear", "home"];

/** Deterministic numbers (mulberry32), so that every run builds the same catalog. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick };
}

const BASE_TIME = Date.UTC(2026, 0, 1);
const hours = (h: number) => new Date(BASE_TIME + h * 3_600_000);

export async function buildCatalogFixture(t: TestApp, opts: { generated?: number } = {}): Promise<CatalogFixture> {
  const db: Db = t.database.prisma;
  const categories = {} as Record<CategoryKey, string>;
  for (const [key, name, parent, position] of CATEGORY_TREE) {
    const row = await db.category.create({
      data: { name, slug: `${key}-${Math.random().toString(36).slice(2, 8)}`, position, parentId: parent ? categories[parent] : null },
    });
    categories[key] = row.id;
  }

  const shops = {} as Record<ShopKey, string>;
  const shopSpecs: [ShopKey, string, "ACTIVE" | "SUSPENDED" | "PENDING"][] = [
    ["clay", "Clay & Kiln", "ACTIVE"],
    ["north", "Northwind", "ACTIVE"],
    ["paper", "Paper Co", "ACTIVE"],
    ["suspended", "Shady Goods", "SUSPENDED"],
    ["pending", "Not Yet Open", "PENDING"],
  ];
  for (const [key, name, status] of shopSpecs) {
    const owner = await t.createUser({ role: "SELLER" });
    shops[key] = (await makeShop(db, owner.id, { name, status })).id;
  }

  const v = (priceCents: number, stock = 5): MakeVariant => ({ priceCents, stock });
  const named = {} as Record<NamedKey, string>;
  const namedSpecs: [NamedKey, ShopKey, CategoryKey, Parameters<typeof makeProduct>[3]][] = [
    ["speckledMug", "clay", "mugs", { title: "Speckled Stoneware Mug", description: "Glazed by hand.", variants: [v(2400), v(2600)], ratingAvg: 4.5, ratingCount: 12 }],
    ["coffeeMug", "clay", "mugs", { title: "Stoneware Coffee Mug", description: "A sturdy cup for the morning.", variants: [v(1800)], ratingAvg: 4.1, ratingCount: 30 }],
    ["campMug", "north", "mugs", { title: "Enamel Camp Mug", description: "Light enough for a hike, glazed to look like stoneware.", variants: [v(1200, 0)] }],
    ["dinnerPlate", "clay", "tableware", { title: "Stoneware Dinner Plate", description: "Goes well with any mug.", variants: [v(3200)] }],
    ["teaMug", "paper", "mugs", { title: "Porcelain Tea Mug", description: "Thin walls, warm hands.", variants: [v(1500)] }],
    ["merinoBeanie", "north", "hats", { title: "Merino Wool Beanie", description: "Warm and soft.", variants: [v(3500), v(3900, 0)], ratingAvg: 4.8, ratingCount: 40 }],
    ["merinoScarf", "north", "knitwear", { title: "Merino Wool Scarf", description: "Long and light.", variants: [v(5500)] }],
    ["chunkyBeanie", "paper", "hats", { title: "Chunky Knit Beanie", description: "A big knit for cold days.", variants: [v(2800)] }],
    // A seller's typo: full text finds it only when spelt the same way.
    ["typoBeanie", "paper", "hats", { title: "Slouchy Beenie Hat", description: "Roomy and warm.", variants: [v(900)] }],
    ["beeswaxCandle", "paper", "decor", { title: "Beeswax Pillar Candle", description: "Burns for forty hours.", variants: [v(1100)] }],
    ["suspendedMug", "suspended", "mugs", { title: "Stoneware Mug Deluxe", variants: [v(100)] }],
    ["pendingBeanie", "pending", "hats", { title: "Merino Beanie Classic", variants: [v(100)] }],
    ["draftMug", "clay", "mugs", { title: "Stoneware Mug Prototype", status: "DRAFT", variants: [v(100)] }],
    ["archivedBeanie", "north", "hats", { title: "Merino Beanie Retired", status: "ARCHIVED", variants: [v(100)] }],
    ["noVariants", "clay", "mugs", { title: "Stoneware Mug Without Variants", variants: [] }],
  ];
  let h = 0;
  for (const [key, shop, category, spec] of namedSpecs) {
    named[key] = (await makeProduct(db, shops[shop], categories[category], { ...spec, createdAt: hours(h++) })).id;
  }

  const r = rng(20261127);
  const shopKeys: ShopKey[] = ["clay", "north", "paper", "clay", "north", "paper", "suspended", "pending"];
  for (let i = 0; i < (opts.generated ?? 90); i++) {
    const variants = Array.from({ length: 1 + Math.floor(r.next() * 3) }, () => v(r.pick(PRICES), r.next() < 0.35 ? 0 : 4));
    // Every seventh product shares its creation time with the one before: ties for `newest`.
    if (i % 7 !== 6) h++;
    const p = await makeProduct(db, shops[r.pick(shopKeys)], categories[r.pick(LEAVES)], {
      title: `${r.pick(ADJECTIVES)} ${r.pick(MATERIALS)} ${r.pick(NOUNS)}`,
      description: "Made in small batches.",
      status: i % 9 === 4 ? "DRAFT" : i % 13 === 5 ? "ARCHIVED" : "ACTIVE",
      ratingAvg: r.pick(RATINGS),
      ratingCount: r.pick(RATING_COUNTS),
      createdAt: hours(h),
      variants,
    });
    if (i % 3 === 0) {
      await db.productImage.createMany({
        data: [
          { productId: p.id, url: `https://img.test/${p.id}/b.jpg`, alt: "second", position: 1 },
          { productId: p.id, url: `https://img.test/${p.id}/a.jpg`, alt: "first", position: 0 },
        ],
      });
    }
  }
  return { categories, shops, named };
}
