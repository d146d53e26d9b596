/** The shapes of the shop and product word lists, and the option lists shops share. */

export interface VariantOption {
  label: string;
  /** The option's part of the SKU. */
  code: string;
  /** Added to the product's base price, in cents. */
  delta: number;
}

export const o = (label: string, code: string, delta = 0): VariantOption => ({ label, code, delta });

export interface ProductKind {
  /** SKU prefix, e.g. "MUG" → "MUG-014-BLU-350". */
  sku: string;
  /** Leaf category slug. */
  category: string;
  nouns: readonly string[];
  adjectives: readonly string[];
  materials: readonly string[];
  /** One or two option axes; a variant takes one option of each. */
  axes: readonly (readonly VariantOption[])[];
  /** Base price range in cents. */
  price: readonly [number, number];
  /** Description sentences; {adj}, {material} and {noun} are filled in lower case. */
  lines: readonly string[];
}

export interface ShopSpec {
  name: string;
  slug: string;
  owner: string;
  status: "ACTIVE" | "PENDING";
  /** Days before "now" the shop was opened. */
  openedDaysAgo: number;
  description: string;
  /** Closing description lines shared by the shop's products. */
  closers: readonly string[];
  kinds: readonly ProductKind[];
}

export const CERAMIC_COLORS = [
  o("Blue", "BLU"), o("Sage", "SAG"), o("Ivory", "IVO"), o("Charcoal", "CHA"),
  o("Terracotta", "TER"), o("Speckled White", "SPW"), o("Celadon", "CEL"),
];
export const KNIT_COLORS = [
  o("Charcoal", "CHA"), o("Oatmeal", "OAT"), o("Forest Green", "FGR"), o("Rust", "RST"),
  o("Navy", "NVY"), o("Mustard", "MUS"), o("Heather Grey", "HGR"), o("Cranberry", "CRN"),
];
export const APPAREL_SIZES = [o("XS", "XS"), o("S", "S"), o("M", "M"), o("L", "L"), o("XL", "XL", 500)];
export const SHOE_SIZES = ["38", "39", "40", "41", "42", "43", "44", "45"].map((s) => o(`EU ${s}`, s));
export const SHOE_COLORS = [
  o("Brown", "BRN"), o("Black", "BLK"), o("Tan", "TAN"), o("Olive", "OLV"), o("White", "WHT"),
  o("Sand", "SND"), o("Navy", "NVY"), o("Grey", "GRY"),
];
export const PAPER_COLORS = [
  o("Black", "BLK"), o("Navy", "NVY"), o("Forest Green", "FGR"), o("Burgundy", "BUR"),
  o("Kraft", "KRF"), o("Mustard", "MUS"), o("Dusty Pink", "DPK"),
];
export const SML = [o("Small", "S"), o("Medium", "M", 800), o("Large", "L", 1600)];
export const SCENTS = [
  "Lavender", "Cedarwood", "Sea Salt & Sage", "Fig & Cassis", "Bergamot", "Amber & Vanilla",
  "Rosemary Mint", "Wild Fig", "Orange Blossom", "Eucalyptus", "Black Pepper", "Sandalwood",
];
