/** Northwind Knits and Trailhead Footwear. */

import { APPAREL_SIZES, KNIT_COLORS, SHOE_COLORS, SHOE_SIZES, type ShopSpec, o } from "./options.ts";

export const NORTHWIND: ShopSpec = {
  name: "Northwind Knits",
  slug: "northwind-knits",
  owner: "owner3",
  status: "ACTIVE",
  openedDaysAgo: 101,
  description:
    "Warm, honest knitwear from a small workshop on the Norwegian coast: merino, alpaca and cashmere, knitted slowly on vintage machines and finished by hand.",
  closers: [
    "Hand wash cold and dry flat.",
    "Knitted to order; allow a few extra days in winter.",
    "Our yarn is mulesing-free and traceable to the farm.",
    "Soft enough to wear next to the skin.",
  ],
  kinds: [
    {
      sku: "HAT",
      category: "knitwear",
      nouns: ["Beanie", "Bobble Hat", "Watch Cap", "Slouch Beanie", "Fisherman Beanie"],
      adjectives: ["Chunky", "Ribbed", "Cable-knit", "Lightweight", "Double-layer"],
      materials: ["Merino Wool", "Alpaca", "Cashmere Blend", "Lambswool"],
      axes: [KNIT_COLORS],
      price: [2800, 6500],
      lines: [
        "A {adj} {material} {noun} with a deep turn-up that covers the ears.",
        "Warm on a windy ferry deck and light enough to stuff in a pocket.",
        "Knitted in soft {material} that does not itch.",
      ],
    },
    {
      sku: "SCF",
      category: "knitwear",
      nouns: ["Scarf", "Snood", "Wrap", "Cowl", "Blanket Scarf"],
      adjectives: ["Chunky", "Ribbed", "Cable-knit", "Brushed", "Oversized"],
      materials: ["Merino Wool", "Alpaca", "Cashmere", "Mohair Blend"],
      axes: [KNIT_COLORS],
      price: [3500, 9500],
      lines: [
        "A {adj} {material} {noun}, long enough to wrap twice.",
        "Brushed for a halo of softness; gets cosier with every wear.",
        "A generous {noun} in {material} that doubles as a travel blanket.",
      ],
    },
    {
      sku: "SWT",
      category: "knitwear",
      nouns: ["Sweater", "Cardigan", "Turtleneck", "Crewneck Jumper", "Fisherman Sweater"],
      adjectives: ["Chunky", "Cable-knit", "Relaxed", "Classic", "Fine-gauge"],
      materials: ["Merino Wool", "Alpaca", "Cashmere", "Organic Cotton"],
      axes: [KNIT_COLORS, APPAREL_SIZES],
      price: [8900, 22000],
      lines: [
        "A {adj} {material} {noun} with a relaxed fit and ribbed cuffs.",
        "Knitted in one piece on a vintage flatbed machine and linked by hand.",
        "The kind of {noun} you reach for every cold morning for ten years.",
      ],
    },
    {
      sku: "MIT",
      category: "knitwear",
      nouns: ["Mittens", "Fingerless Gloves", "Gloves", "Wool Socks", "Leg Warmers"],
      adjectives: ["Lined", "Ribbed", "Fair Isle", "Chunky", "Lightweight"],
      materials: ["Merino Wool", "Alpaca", "Lambswool"],
      axes: [KNIT_COLORS, [o("S/M", "SM"), o("M/L", "ML")]],
      price: [2200, 5200],
      lines: [
        "{adj} {material} {noun}, warm even when they get damp.",
        "Snug at the cuff so the cold stays out.",
      ],
    },
  ],
};

export const TRAILHEAD: ShopSpec = {
  name: "Trailhead Footwear",
  slug: "trailhead-footwear",
  owner: "owner4",
  status: "ACTIVE",
  openedDaysAgo: 99,
  description:
    "Boots and shoes built to be resoled, not replaced. Leather from a gold-rated tannery, Goodyear welts and a free resole on every pair for the first two years.",
  closers: [
    "True to size; if you are between sizes, go up.",
    "Free exchanges on unworn pairs within 30 days.",
    "Resoleable: send them back and we will give them a new life.",
    "Break-in time is short, but give them a week of gentle wear.",
  ],
  kinds: [
    {
      sku: "BOOT",
      category: "shoes",
      nouns: ["Hiking Boot", "Chelsea Boot", "Work Boot", "Ankle Boot", "Lace-up Boot"],
      adjectives: ["Waterproof", "Lightweight", "Handmade", "Classic", "Rugged"],
      materials: ["Full-grain Leather", "Suede", "Waxed Canvas", "Nubuck"],
      axes: [SHOE_COLORS.slice(0, 4), SHOE_SIZES],
      price: [9900, 26000],
      lines: [
        "A {adj} {material} {noun} on a grippy, resoleable Vibram sole.",
        "Stitched on a Goodyear welt, so the {noun} can be resoled again and again.",
        "Cushioned cork footbed that moulds to your foot over the first few weeks.",
      ],
    },
    {
      sku: "SNK",
      category: "shoes",
      nouns: ["Sneaker", "Trail Runner", "Low-top Sneaker", "High-top Sneaker", "Slip-on"],
      adjectives: ["Minimal", "Lightweight", "Everyday", "Breathable", "Classic"],
      materials: ["Recycled Canvas", "Knit", "Leather", "Hemp"],
      axes: [SHOE_COLORS.slice(3), SHOE_SIZES],
      price: [6900, 15900],
      lines: [
        "A {adj} {material} {noun} with a natural rubber sole.",
        "Light, flexible and easy to pair with anything.",
        "The {material} upper breathes on hot days and dries quickly after rain.",
      ],
    },
    {
      sku: "SND",
      category: "shoes",
      nouns: ["Sandal", "Slide", "Espadrille", "Clog", "Sport Sandal"],
      adjectives: ["Handmade", "Cushioned", "Adjustable", "Minimal", "Summer"],
      materials: ["Cork", "Vegetable-tanned Leather", "Jute", "Recycled Rubber"],
      axes: [SHOE_COLORS.slice(0, 5), SHOE_SIZES],
      price: [4500, 12900],
      lines: [
        "A {adj} {material} {noun} for long summer days.",
        "The footbed is shaped to support the arch; the straps adjust at the heel.",
      ],
    },
    {
      sku: "SLP",
      category: "shoes",
      nouns: ["Slipper", "House Shoe", "Moccasin", "Mule"],
      adjectives: ["Cosy", "Shearling-lined", "Handmade", "Soft-soled"],
      materials: ["Sheepskin", "Felted Wool", "Suede"],
      axes: [SHOE_COLORS.slice(0, 4), SHOE_SIZES],
      price: [4900, 11900],
      lines: [
        "A {adj} {material} {noun} with a thin rubber sole for trips to the mailbox.",
        "Warm in winter, breathable in summer: wool does both.",
      ],
    },
  ],
};
