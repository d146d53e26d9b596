/** Clay & Kiln (the demo seller's), Copper Pot Kitchen and the pending Little Acorn Woodworks. */

import { CERAMIC_COLORS, SML, type ShopSpec, o } from "./options.ts";

export const CLAY_AND_KILN: ShopSpec = {
  name: "Clay & Kiln Pottery",
  slug: "clay-and-kiln",
  owner: "seller",
  status: "ACTIVE",
  openedDaysAgo: 105,
  description:
    "Small-batch stoneware and porcelain, thrown by hand in a two-wheel studio in Asheville. Every mug, bowl and vase is glazed, fired and packed by the two of us.",
  closers: [
    "Made by hand, so no two pieces are quite the same.",
    "Dishwasher and microwave safe.",
    "Fired to 1240 °C for a tough, food-safe glaze.",
    "Packed in recycled paper and shipped within three business days.",
  ],
  kinds: [
    {
      sku: "MUG",
      category: "tableware",
      nouns: ["Mug", "Coffee Mug", "Tea Cup", "Espresso Cup", "Latte Mug"],
      adjectives: ["Hand-thrown", "Speckled", "Matte", "Glossy", "Rustic", "Minimal", "Dimpled"],
      materials: ["Stoneware", "Porcelain", "Earthenware"],
      axes: [CERAMIC_COLORS, [o("250 ml", "250"), o("350 ml", "350", 300), o("450 ml", "450", 600)]],
      price: [2200, 3800],
      lines: [
        "A {adj} {material} {noun} with a comfortable, generous handle.",
        "Our everyday {noun}: {adj}, sturdy and just the right weight for a slow morning coffee.",
        "Thrown on the wheel from {material} clay and finished with a soft, satin glaze.",
        "Keeps tea hot for longer thanks to its thick {material} walls.",
      ],
    },
    {
      sku: "BWL",
      category: "tableware",
      nouns: ["Ramen Bowl", "Cereal Bowl", "Serving Bowl", "Nesting Bowls", "Salad Bowl"],
      adjectives: ["Hand-thrown", "Speckled", "Wide", "Deep", "Glazed", "Rustic"],
      materials: ["Stoneware", "Porcelain"],
      axes: [CERAMIC_COLORS, [o("Single", "1"), o("Set of 2", "2", 2400), o("Set of 4", "4", 6000)]],
      price: [2600, 5800],
      lines: [
        "A {adj} {material} {noun} for noodles, soups and big salads.",
        "Wide and deep enough for a proper bowl of ramen, with a rim that is easy to hold.",
        "The {material} is left bare at the foot to show the clay underneath.",
      ],
    },
    {
      sku: "PLT",
      category: "tableware",
      nouns: ["Dinner Plate", "Side Plate", "Serving Platter", "Dessert Plate"],
      adjectives: ["Speckled", "Matte", "Rimmed", "Coupe", "Hand-glazed"],
      materials: ["Stoneware", "Porcelain"],
      axes: [CERAMIC_COLORS, [o("Single", "1"), o("Set of 4", "4", 6500)]],
      price: [2400, 4600],
      lines: [
        "A {adj} {material} {noun} that makes a weeknight dinner look like a restaurant one.",
        "Stacks neatly and sits flat on the table; the glaze pools softly at the edges.",
      ],
    },
    {
      sku: "VAS",
      category: "home-decor",
      nouns: ["Bud Vase", "Vase", "Planter", "Bottle Vase", "Jug"],
      adjectives: ["Sculptural", "Speckled", "Ribbed", "Matte", "Glazed", "Tall"],
      materials: ["Stoneware", "Porcelain", "Terracotta"],
      axes: [CERAMIC_COLORS, SML],
      price: [2800, 7400],
      lines: [
        "A {adj} {material} {noun} for a single stem or a handful of dried grasses.",
        "Glazed inside so it holds water; the outside is left {adj} and tactile.",
        "Looks just as good empty on a shelf as it does full of flowers.",
      ],
    },
  ],
};

export const COPPER_POT: ShopSpec = {
  name: "Copper Pot Kitchen",
  slug: "copper-pot-kitchen",
  owner: "owner2",
  status: "ACTIVE",
  openedDaysAgo: 103,
  description:
    "Heirloom cookware for people who cook every day: cast iron, carbon steel, copper and hand-finished wooden tools, tested in our own kitchen in Pittsburgh.",
  closers: [
    "Backed by our lifetime guarantee.",
    "Tested in our own kitchen before it goes on sale.",
    "Made to be used hard and handed down.",
    "Ships in a plastic-free box within two business days.",
  ],
  kinds: [
    {
      sku: "PAN",
      category: "cookware",
      nouns: ["Skillet", "Frying Pan", "Sauté Pan", "Grill Pan", "Crêpe Pan"],
      adjectives: ["Pre-seasoned", "Heavy", "Professional", "Classic", "Lightweight"],
      materials: ["Cast Iron", "Carbon Steel", "Tri-ply Stainless", "Hammered Copper"],
      axes: [[o("20 cm", "20"), o("24 cm", "24", 1000), o("28 cm", "28", 2000), o("30 cm", "30", 2500)]],
      price: [3900, 14900],
      lines: [
        "A {adj} {material} {noun} that sears steak, fries eggs and goes straight into the oven.",
        "Gets better with every use: the {material} builds a naturally non-stick patina.",
        "A long, cool-to-the-touch handle and a helper handle for lifting when it is full.",
        "Works on gas, electric and induction hobs.",
      ],
    },
    {
      sku: "POT",
      category: "cookware",
      nouns: ["Saucepan", "Stockpot", "Dutch Oven", "Casserole", "Braiser"],
      adjectives: ["Classic", "Heavy-bottomed", "Professional", "Round", "Oval"],
      materials: ["Enameled Cast Iron", "Stainless Steel", "Copper"],
      axes: [
        [o("Cherry Red", "RED"), o("Navy", "NVY"), o("Cream", "CRM"), o("Graphite", "GRA"), o("Sage", "SAG")],
        [o("2 L", "2L"), o("4 L", "4L", 2500), o("6 L", "6L", 4500)],
      ],
      price: [5900, 22900],
      lines: [
        "A {adj} {material} {noun} for slow braises, stews, soups and crusty no-knead bread.",
        "The tight-fitting lid keeps the moisture in; the heavy base spreads heat evenly.",
        "Goes from the hob to the oven to the table, on gas, electric or induction.",
      ],
    },
    {
      sku: "KNF",
      category: "cookware",
      nouns: ["Chef's Knife", "Paring Knife", "Bread Knife", "Santoku Knife", "Utility Knife"],
      adjectives: ["Forged", "Hand-sharpened", "Japanese-style", "Full-tang", "Razor-sharp"],
      materials: ["Damascus Steel", "High-carbon Steel", "Stainless Steel"],
      axes: [[o("Walnut Handle", "WAL"), o("Olive Wood Handle", "OLV", 800), o("Black Pakka Handle", "PAK")]],
      price: [3500, 18900],
      lines: [
        "A {adj} {material} {noun}, balanced at the bolster and sharpened by hand to 15°.",
        "Holds its edge through months of daily chopping; hone it weekly and it stays keen.",
        "Comes in a magnetic wooden sleeve so it is safe in a drawer.",
      ],
    },
    {
      sku: "UTN",
      category: "cookware",
      nouns: ["Cutting Board", "Wooden Spoon Set", "Spatula", "Salad Servers", "Spurtle"],
      adjectives: ["Hand-carved", "Oiled", "End-grain", "Rustic", "Heirloom"],
      materials: ["Walnut", "Maple", "Olive Wood", "Acacia", "Cherry Wood"],
      axes: [SML],
      price: [1800, 8900],
      lines: [
        "A {adj} {material} {noun}, finished with food-safe oil and beeswax.",
        "Kind to knives and to non-stick pans alike. Hand wash and oil now and then.",
        "Cut from a single piece of {material} so it will not split at a glue line.",
      ],
    },
  ],
};

export const LITTLE_ACORN: ShopSpec = {
  name: "Little Acorn Woodworks",
  slug: "little-acorn-woodworks",
  owner: "owner7",
  status: "PENDING",
  openedDaysAgo: 2,
  description:
    "Wooden spoons, boards and bowls carved from storm-felled trees in the Black Forest. Waiting for our shop to be approved!",
  closers: ["Finished with food-safe linseed oil.", "Each piece is signed and dated."],
  kinds: [
    {
      sku: "WOD",
      category: "cookware",
      nouns: ["Wooden Spoon", "Serving Board", "Carved Bowl", "Butter Knife"],
      adjectives: ["Hand-carved", "Rustic", "Oiled"],
      materials: ["Beech", "Cherry Wood", "Walnut"],
      axes: [SML],
      price: [1500, 6000],
      lines: ["A {adj} {material} {noun}, carved green and dried slowly so it will not crack."],
    },
  ],
};
