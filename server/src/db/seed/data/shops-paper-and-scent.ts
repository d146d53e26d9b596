/** Paper & Quill and Wildflower Apothecary. */

import { PAPER_COLORS, SCENTS, type ShopSpec, o } from "./options.ts";

export const PAPER_AND_QUILL: ShopSpec = {
  name: "Paper & Quill",
  slug: "paper-and-quill",
  owner: "owner5",
  status: "ACTIVE",
  openedDaysAgo: 97,
  description:
    "Notebooks, pens and inks for people who still write things down. Everything is bound, filled or tested by hand in our Edinburgh shop.",
  closers: [
    "Tested with our own pens and paper in the Edinburgh shop.",
    "Made in small batches by independent makers.",
    "Ships in recycled packaging within two business days.",
    "Gift-wrapped for free on request.",
  ],
  kinds: [
    {
      sku: "NTB",
      category: "stationery",
      nouns: ["Notebook", "Journal", "Sketchbook", "Planner", "Field Notes Set"],
      adjectives: ["Lay-flat", "Pocket", "Hardcover", "A5", "Softcover"],
      materials: ["Linen-bound", "Leather-bound", "Recycled Paper", "Cotton Paper"],
      axes: [PAPER_COLORS, [o("Dotted", "DOT"), o("Lined", "LIN"), o("Blank", "BLK"), o("Grid", "GRD")]],
      price: [1400, 4800],
      lines: [
        "A {adj} {material} {noun} with 192 numbered pages of 100 gsm paper.",
        "Opens completely flat, so you can write right into the gutter.",
        "Fountain-pen friendly: no feathering, no bleed-through.",
        "Ribbon marker, elastic closure and a pocket inside the back cover.",
      ],
    },
    {
      sku: "PEN",
      category: "stationery",
      nouns: ["Fountain Pen", "Rollerball Pen", "Brush Pen", "Dip Pen", "Mechanical Pencil"],
      adjectives: ["Pocket", "Classic", "Lathe-turned", "Hexagonal", "Everyday"],
      materials: ["Brass", "Aluminium", "Ebonite", "Walnut", "Acrylic"],
      axes: [[o("Extra Fine", "EF"), o("Fine", "F"), o("Medium", "M"), o("Broad", "B", 400)]],
      price: [2400, 14000],
      lines: [
        "A {adj} {material} {noun} that feels weighty and balanced in the hand.",
        "Takes standard international cartridges or the included converter.",
        "Turned on a lathe from a solid bar of {material}; it will develop a patina with use.",
      ],
    },
    {
      sku: "INK",
      category: "stationery",
      nouns: ["Fountain Pen Ink", "Calligraphy Ink", "Iron Gall Ink", "Ink Sampler"],
      adjectives: ["Shimmering", "Waterproof", "Archival", "Fast-drying"],
      materials: ["Midnight Blue", "Teal", "Oxblood", "Forest Green", "Sepia", "Violet"],
      axes: [[o("30 ml", "30"), o("50 ml", "50", 400)]],
      price: [1200, 2800],
      lines: [
        "A {adj} {material} {noun} that flows well in fine nibs and shades beautifully in broad ones.",
        "Mixed in small batches and bottled in glass that is easy to fill from.",
      ],
    },
    {
      sku: "CRD",
      category: "stationery",
      nouns: ["Greeting Card Set", "Postcard Set", "Letter Writing Set", "Gift Tags"],
      adjectives: ["Letterpress", "Botanical", "Watercolor", "Minimal", "Hand-printed"],
      materials: ["Cotton Paper", "Kraft Paper", "Recycled Card"],
      axes: [[o("Pack of 6", "6"), o("Pack of 12", "12", 900)]],
      price: [1200, 3200],
      lines: [
        "{adj} cards printed on thick {material}, with matching envelopes.",
        "Blank inside for your own words.",
      ],
    },
  ],
};

export const WILDFLOWER: ShopSpec = {
  name: "Wildflower Apothecary",
  slug: "wildflower-apothecary",
  owner: "owner6",
  status: "ACTIVE",
  openedDaysAgo: 95,
  description:
    "Candles, soaps and balms made in the south of France from plant oils, beeswax and essential oils. No synthetic fragrance, no palm oil, no animal testing.",
  closers: [
    "Vegan and cruelty-free.",
    "Scented only with essential oils.",
    "Made by hand in small batches.",
    "Packed in glass, paper and tin: no plastic.",
  ],
  kinds: [
    {
      sku: "CDL",
      category: "home-decor",
      nouns: ["Candle", "Travel Candle", "Pillar Candle", "Tealight Set", "Candle Tin"],
      adjectives: SCENTS,
      materials: ["Soy Wax", "Beeswax", "Coconut Wax", "Rapeseed Wax"],
      axes: [[o("120 g", "120"), o("220 g", "220", 1000), o("400 g", "400", 2200)]],
      price: [1600, 3400],
      lines: [
        "A {adj} {material} {noun} with a cotton wick and a clean, even burn.",
        "Burns for up to 50 hours and fills a room without overpowering it.",
        "Hand-poured into a reusable amber glass jar.",
      ],
    },
    {
      sku: "SOP",
      category: "bath-and-body",
      nouns: ["Soap Bar", "Shampoo Bar", "Hand Soap", "Body Wash", "Bath Salts"],
      adjectives: SCENTS,
      materials: ["Olive Oil", "Goat Milk", "Shea Butter", "Activated Charcoal", "Oatmeal"],
      axes: [[o("Single", "1"), o("Pack of 3", "3", 1600)]],
      price: [800, 2400],
      lines: [
        "A {adj} {material} {noun}, cold-processed and cured for six weeks.",
        "Gentle enough for sensitive skin, with a rich, creamy lather.",
      ],
    },
    {
      sku: "BLM",
      category: "bath-and-body",
      nouns: ["Lip Balm", "Hand Cream", "Body Butter", "Face Oil", "Foot Balm"],
      adjectives: ["Unscented", "Lavender", "Rose", "Calendula", "Chamomile", "Citrus"],
      materials: ["Beeswax", "Shea", "Jojoba", "Rosehip", "Cocoa Butter"],
      axes: [[o("15 ml", "15"), o("50 ml", "50", 900), o("100 ml", "100", 1700)]],
      price: [900, 3600],
      lines: [
        "A {adj} {material} {noun} that sinks in quickly and leaves no greasy film.",
        "Rich in vitamin E for dry, winter-worn skin.",
      ],
    },
    {
      sku: "DIF",
      category: "home-decor",
      nouns: ["Reed Diffuser", "Room Spray", "Linen Mist", "Pillow Spray"],
      adjectives: SCENTS,
      materials: ["Essential Oil", "Botanical"],
      axes: [[o("100 ml", "100"), o("200 ml", "200", 1200)]],
      price: [1800, 4200],
      lines: [
        "A {adj} {material} {noun} for the hallway, the bathroom or the linen cupboard.",
        "A few sprays refresh a room for hours.",
      ],
    },
  ],
};
