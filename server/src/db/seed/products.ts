import { newId } from "../../lib/ids.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { ACTIVE_PRODUCTS_PER_SHOP, DRAFTS_IN_PENDING_SHOP, DRAFTS_PER_ACTIVE_SHOP, SHOPS } from "./data/catalog.ts";
import type { ProductKind, ShopSpec, VariantOption } from "./data/options.ts";
import { productImageUrl } from "./images.ts";
import { slugify, time, type Rng } from "./random.ts";
import type { ProductRec, ShopRec } from "./types.ts";

/**
 * The catalog: 25 active products per active shop (plus a few drafts), each with 1–4 variants
 * and 1–3 generated pictures, created over the last ~90 days so "newest" means something.
 */
export function buildProducts(now: Date, rng: Rng, shops: readonly ShopRec[], categoryId: (slug: string) => string) {
  const products: ProductRec[] = [];
  const variants: Prisma.VariantCreateManyInput[] = [];
  const images: Prisma.ProductImageCreateManyInput[] = [];
  let activeShopIndex = 0;
  SHOPS.forEach((spec, shopIndex) => {
    const shop = shops[shopIndex];
    if (!shop) throw new Error(`seed data: no shop row for ${spec.slug}`);
    const activeCount = shop.active ? ACTIVE_PRODUCTS_PER_SHOP : 0;
    const draftCount = shop.active ? (DRAFTS_PER_ACTIVE_SHOP[activeShopIndex++] ?? 0) : DRAFTS_IN_PENDING_SHOP;
    const usedSlugs = new Set<string>();
    for (let i = 0; i < activeCount + draftCount; i++) {
      const kind = spec.kinds[i % spec.kinds.length]!;
      // Active shops' products appear over the last ~90 days; the pending shop's since it opened.
      const createdAt = shop.active
        ? time.daysAgo(now, 0.05 + rng.next() * 88)
        : time.daysAgo(now, 0.1 + rng.next() * (spec.openedDaysAgo - 0.2));
      const p = buildProduct(rng, spec, kind, i + 1, usedSlugs);
      const rec: ProductRec = {
        id: newId(),
        shopId: shop.id,
        title: p.title,
        noun: p.noun,
        active: shop.active && i < activeCount,
        createdAt,
        variants: [],
        row: {
          id: "",
          shopId: shop.id,
          categoryId: categoryId(kind.category),
          title: p.title,
          slug: p.slug,
          description: p.description,
          status: i < activeCount ? "ACTIVE" : "DRAFT",
          createdAt,
          updatedAt: createdAt,
        },
      };
      rec.row.id = rec.id;
      p.variants.forEach((v, position) => {
        const id = newId();
        rec.variants.push({ id, sku: v.sku, title: v.title, priceCents: v.priceCents });
        variants.push({ id, productId: rec.id, shopId: shop.id, ...v, position, createdAt, updatedAt: createdAt });
      });
      const pictures = rng.weighted([1, 2, 3], [30, 40, 30]);
      for (let position = 0; position < pictures; position++) {
        images.push({
          id: newId(),
          productId: rec.id,
          url: productImageUrl(p.title, p.noun, position),
          alt: p.title,
          position,
          createdAt,
        });
      }
      products.push(rec);
    }
  });
  return { products, variants, images };
}

interface VariantDraft {
  sku: string;
  title: string;
  priceCents: number;
  stock: number;
}

function buildProduct(rng: Rng, shop: ShopSpec, kind: ProductKind, seq: number, usedSlugs: Set<string>) {
  // "<adjective> <material> <noun>", drawn again until it is new in this shop.
  let title = "";
  let noun = "";
  let adj = "";
  let material = "";
  for (let attempt = 0; ; attempt++) {
    adj = rng.pick(kind.adjectives);
    material = kind.materials.length ? rng.pick(kind.materials) : "";
    noun = rng.pick(kind.nouns);
    title = [adj, material, noun].filter(Boolean).join(" ");
    if (attempt >= 40) title = `${title} No. ${seq}`;
    if (!usedSlugs.has(slugify(title))) break;
  }
  const slug = slugify(title);
  usedSlugs.add(slug);

  // 1–4 distinct combinations of the kind's options, kept in the options' own order.
  const combos = cartesian(kind.axes);
  const count = Math.min(combos.length, rng.weighted([1, 2, 3, 4], [20, 30, 28, 22]));
  const chosen = rng
    .sample(combos, count)
    .sort((a, b) => comboKey(kind.axes, a) - comboKey(kind.axes, b));
  const base = Math.round(rng.int(kind.price[0], kind.price[1]) / 100) * 100 - rng.pick([0, 0, 1, 5]);
  const prefix = `${kind.sku}-${String(seq).padStart(3, "0")}`;
  const variants: VariantDraft[] = chosen.map((combo) => ({
    sku: [prefix, ...combo.map((opt) => opt.code)].join("-"),
    title: combo.map((opt) => opt.label).join(" / "),
    priceCents: base + combo.reduce((sum, opt) => sum + opt.delta, 0),
    stock: rng.chance(0.12) ? 0 : rng.int(1, 60),
  }));

  const firstAxis = [...new Set(chosen.map((combo) => combo[0]?.label ?? ""))].filter(Boolean);
  const sentences = [
    ...rng.sample(kind.lines, Math.min(2, kind.lines.length)).map((line) => fill(line, adj, material, noun)),
    firstAxis.length ? `Available in ${listJoin(firstAxis)}.` : "",
    ...rng.sample(shop.closers, rng.int(1, 2)),
  ].filter(Boolean);
  return { title, slug, noun, description: sentences.join(" "), variants };
}

function cartesian(axes: readonly (readonly VariantOption[])[]): VariantOption[][] {
  return axes.reduce<VariantOption[][]>((acc, axis) => acc.flatMap((combo) => axis.map((opt) => [...combo, opt])), [[]]);
}

function comboKey(axes: readonly (readonly VariantOption[])[], combo: readonly VariantOption[]): number {
  return combo.reduce((key, opt, i) => key * 100 + (axes[i]?.indexOf(opt) ?? 0), 0);
}

/** Words kept as written inside a sentence. */
const PROPER = new Set(["Damascus", "Japanese-style", "Fair", "Isle", "Vibram"]);

function lowerWords(s: string): string {
  return s
    .split(" ")
    .map((w) => (PROPER.has(w) || /\d/.test(w) ? w : w.toLowerCase()))
    .join(" ");
}

/** Fills a description line: "{adj} {material} {noun}" in lower case, "a"/"an" fixed, capitalised. */
function fill(line: string, adj: string, material: string, noun: string): string {
  const text = line
    .replace("{adj} {material} ", material ? "{adj} {material} " : "{adj} ")
    .replace(/\{adj\}/g, lowerWords(adj))
    .replace(/\{material\}/g, lowerWords(material))
    .replace(/\{noun\}/g, lowerWords(noun))
    .replace(/\b([Aa]) (?=[aeiouAEIOU])(?!eu|uni)/g, "$1n ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function listJoin(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
