import { MAX_PRICE_CENTS, MAX_STOCK, PRICE_TOO_HIGH_MESSAGE as PRICE_TOO_HIGH, STOCK_TOO_HIGH_MESSAGE as STOCK_TOO_HIGH, type ProductCreateInput } from "@marketplace/shared";
import { formatMoneyInput, parseMoneyInput } from "../../lib/money.ts";
import type { SellerProduct } from "./use-seller.ts";

/**
 * The product editor's state, as typed: prices and stock stay strings until saving, so "12.5"
 * can be half-typed and a bad value is named, not coerced. `key` keeps Vue's row identity
 * stable while rows are added, removed and reordered.
 */
export interface VariantDraft {
  key: string;
  /** The server's id: present for variants that exist (update), absent for new ones (add). */
  id?: string;
  sku: string;
  title: string;
  price: string;
  stock: string;
  /** The stock when the form was loaded (existing variants): the save sends the seller's change. */
  stockSeen?: number;
}

export interface ImageDraft {
  key: string;
  /** The uploaded URL; null until the upload finishes. */
  url: string | null;
  alt: string;
  /** An object URL of the picked file, for an instant preview (revoked by the editor). */
  preview: string | null;
  state: "ready" | "uploading" | "failed";
  error?: string;
  file?: File;
}

export interface ProductDraft {
  title: string;
  description: string;
  categoryId: string;
  status: "DRAFT" | "ACTIVE";
  variants: VariantDraft[];
  images: ImageDraft[];
}

let nextKey = 1;
export const newKey = (): string => `k${nextKey++}`;

export const emptyVariant = (): VariantDraft => ({ key: newKey(), sku: "", title: "", price: "", stock: "0" });

export function emptyDraft(): ProductDraft {
  return { title: "", description: "", categoryId: "", status: "ACTIVE", variants: [{ ...emptyVariant(), title: "Standard" }], images: [] };
}

export function draftFromProduct(p: SellerProduct): ProductDraft {
  return {
    title: p.title,
    description: p.description,
    categoryId: p.categoryId,
    status: p.status === "DRAFT" ? "DRAFT" : "ACTIVE",
    variants: p.variants.map((v) => ({
      key: newKey(),
      id: v.id,
      sku: v.sku,
      title: v.title,
      price: formatMoneyInput(v.priceCents),
      stock: String(v.stock),
      stockSeen: v.stock,
    })),
    images: p.images.map((img) => ({ key: newKey(), url: img.url, alt: img.alt, preview: null, state: "ready" as const })),
  };
}

/**
 * A typed price → cents, or what is wrong with it in words that fit what was typed: too many
 * digits is "at most 1,000,000.00" (not "like 12.50", which told a seller who typed
 * 99,999,999,999 nothing), three decimals and thousands separators are named as such.
 */
export function readPrice(text: string): { cents: number } | { problem: string } {
  const t = text.trim();
  if (!t) return { problem: "Enter a price, like 12.50" };
  const cents = parseMoneyInput(t);
  if (cents !== null) return cents > MAX_PRICE_CENTS ? { problem: PRICE_TOO_HIGH } : { cents };
  if (/^[\d\s.,']+$/.test(t) && /\d/.test(t)) {
    // Whatever the separators mean, more than nine digits is past 1,000,000.00.
    if (t.replace(/\D/g, "").replace(/^0+/, "").length > 9) return { problem: PRICE_TOO_HIGH };
    if (/^\d*[.,]\d{3,}$/.test(t)) return { problem: "Use at most 2 decimals, like 12.50" };
    return { problem: "Leave out thousands separators: 1234.50, not 1,234.50" };
  }
  if (t.startsWith("-")) return { problem: "A price cannot be negative" };
  return { problem: "Enter a price, like 12.50" };
}

/** A typed stock → units, or what is wrong with it. */
export function readStock(text: string): { units: number } | { problem: string } {
  const t = text.trim();
  if (/^\d+$/.test(t)) return t.replace(/^0+/, "").length > 7 || Number(t) > MAX_STOCK ? { problem: STOCK_TOO_HIGH } : { units: Number(t) };
  if (t.startsWith("-")) return { problem: "Stock cannot be negative" };
  return { problem: "Enter a whole number, 0 or more" };
}

/**
 * The API input for a draft, and the problems only the editor can see (a price that is not a
 * number). Bad numbers become 0 in the input so the shared schema does not report them twice.
 */
export function draftToInput(d: ProductDraft): { input: ProductCreateInput & { variants: { id?: string }[] }; problems: Record<string, string[]> } {
  const problems: Record<string, string[]> = {};
  const variants = d.variants.map((v, i) => {
    const price = readPrice(v.price);
    const count = readStock(v.stock);
    if ("problem" in price) problems[`variants.${i}.priceCents`] = [price.problem];
    if ("problem" in count) problems[`variants.${i}.stock`] = [count.problem];
    const priceCents = "cents" in price ? price.cents : null;
    const stock = "units" in count ? count.units : null;
    return {
      ...(v.id ? { id: v.id } : {}),
      ...(v.id && v.stockSeen !== undefined ? { stockSeen: v.stockSeen } : {}),
      sku: v.sku.trim(),
      title: v.title.trim(),
      priceCents: priceCents ?? 0,
      stock: stock ?? 0,
    };
  });
  if (!d.categoryId) problems.categoryId = ["Choose a category"];
  if (d.images.some((i) => i.state === "uploading")) problems.images = ["Wait for the images to finish uploading"];
  if (d.images.some((i) => i.state === "failed")) problems.images = [...(problems.images ?? []), "Remove the images that failed to upload"];
  const input = {
    title: d.title.trim(),
    description: d.description.trim(),
    categoryId: d.categoryId,
    status: d.status,
    images: d.images.flatMap((i) => (i.url ? [{ url: i.url, alt: i.alt.trim() }] : [])),
    variants,
  };
  return { input, problems };
}

/** The error keys the editor shows beside a field, for the draft's current rows. */
export function shownErrorKeys(d: ProductDraft): string[] {
  return [
    "title",
    "description",
    "categoryId",
    "status",
    "images",
    "variants",
    ...d.variants.flatMap((_, i) => ["sku", "title", "priceCents", "stock", "id"].map((f) => `variants.${i}.${f}`)),
    ...d.images.flatMap((_, i) => [`images.${i}`, `images.${i}.url`, `images.${i}.alt`]),
  ];
}
