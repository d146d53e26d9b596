/** The category tree and the shops; products go to the leaf categories. */

import type { ShopSpec } from "./options.ts";
import { CLAY_AND_KILN, COPPER_POT, LITTLE_ACORN } from "./shops-kitchen.ts";
import { PAPER_AND_QUILL, WILDFLOWER } from "./shops-paper-and-scent.ts";
import { NORTHWIND, TRAILHEAD } from "./shops-wear.ts";

export interface CategorySpec {
  slug: string;
  name: string;
  parent: string | null;
  position: number;
}

export const CATEGORIES: readonly CategorySpec[] = [
  { slug: "home-and-kitchen", name: "Home & Kitchen", parent: null, position: 0 },
  { slug: "cookware", name: "Cookware", parent: "home-and-kitchen", position: 0 },
  { slug: "tableware", name: "Tableware", parent: "home-and-kitchen", position: 1 },
  { slug: "home-decor", name: "Home Decor", parent: "home-and-kitchen", position: 2 },
  { slug: "fashion", name: "Fashion", parent: null, position: 1 },
  { slug: "shoes", name: "Shoes", parent: "fashion", position: 0 },
  { slug: "knitwear", name: "Knitwear", parent: "fashion", position: 1 },
  { slug: "stationery", name: "Stationery", parent: null, position: 2 },
  { slug: "bath-and-body", name: "Bath & Body", parent: null, position: 3 },
];

/** Six active shops (the demo seller's first) and one waiting for approval. */
export const SHOPS: readonly ShopSpec[] = [
  CLAY_AND_KILN,
  COPPER_POT,
  NORTHWIND,
  TRAILHEAD,
  PAPER_AND_QUILL,
  WILDFLOWER,
  LITTLE_ACORN,
];

/** ACTIVE products per active shop (6 × 25 = 150), DRAFT ones per shop. */
export const ACTIVE_PRODUCTS_PER_SHOP = 25;
export const DRAFTS_PER_ACTIVE_SHOP = [1, 0, 1, 0, 1, 0] as const;
export const DRAFTS_IN_PENDING_SHOP = 3;
