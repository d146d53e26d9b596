/** What the demo reviews say. */

export const PRODUCT_REVIEW_TARGET = 40;
export const SHOP_REVIEW_TARGET = 9;

/** Rating → how often it is given (skewed positive, like real marketplaces). */
export const RATING_WEIGHTS: readonly (readonly [number, number])[] = [
  [5, 52],
  [4, 28],
  [3, 11],
  [2, 5],
  [1, 4],
];

/** Shops are rated more kindly than single products (a bad item is blamed on the item). */
export const SHOP_RATING_WEIGHTS: readonly (readonly [number, number])[] = [
  [5, 60],
  [4, 30],
  [3, 6],
  [2, 3],
  [1, 1],
];

export const REVIEW_TITLES: Record<number, readonly string[]> = {
  5: ["Love it", "Perfect", "Beautiful work", "Exactly what I wanted", "Worth every penny", "Great gift"],
  4: ["Really nice", "Very happy", "Solid quality", "Lovely, one small niggle"],
  3: ["It's fine", "Mixed feelings", "Okay for the price"],
  2: ["Disappointed", "Not as pictured"],
  1: ["Not for me", "Arrived damaged"],
};

/** Review bodies by rating; {noun} is the product noun in lower case. */
export const REVIEW_BODIES: Record<number, readonly string[]> = {
  5: [
    "Even nicer in person. The {noun} feels solid and the finish is lovely.",
    "Bought this as a gift and ended up ordering a second one for myself.",
    "Arrived quickly and beautifully packed. Exactly as pictured.",
    "I use it every single day. You can tell it was made with care.",
    "The quality is outstanding for the price. Will be back for more.",
    "My new favourite {noun}. The color is gorgeous in daylight.",
    "Third order from this shop and they never disappoint.",
    "Perfect size, great weight, and it came with a handwritten note. Lovely touch.",
  ],
  4: [
    "Really nice {noun}, just a shade darker than in the photos.",
    "Great quality. Shipping took a few days longer than I hoped, but worth the wait.",
    "Well made and comfortable. Knocked off a star only because it runs a little small.",
    "Very pleased overall; the packaging was plastic-free, which I appreciate.",
    "Does exactly what it should and looks good doing it.",
  ],
  3: [
    "It's a decent {noun}, but a little smaller than I expected.",
    "Nice enough, though the finish is rougher than the listing suggests.",
    "Good quality, but it took almost two weeks to arrive.",
  ],
  2: [
    "The color was quite different from the photos and the seller took a while to answer.",
    "Looked great at first, but it started to show wear after a couple of weeks.",
  ],
  1: [
    "Arrived with a crack and I had to chase for a replacement.",
    "Not what I ordered: wrong size and wrong color.",
  ],
};

export const SHOP_REVIEW_BODIES: Record<number, readonly string[]> = {
  5: [
    "A lovely shop to buy from: quick replies, fast shipping and everything wrapped with care.",
    "Everything I've ordered here has been excellent. Highly recommended.",
    "Friendly seller who answered all my questions before I ordered.",
  ],
  4: [
    "Good shop, good products. Shipping could be a little faster.",
    "Happy with my order and the seller was very helpful.",
  ],
  3: ["Products are nice, but communication was slow."],
  2: ["Order arrived late and incomplete; it was sorted out eventually."],
  1: ["Had a poor experience with this order, unfortunately."],
};

export const SELLER_REPLIES = {
  positive: [
    "Thank you so much for the kind words! We're thrilled you love it.",
    "Thank you! Reviews like this make our week. Enjoy!",
  ],
  negative: [
    "We're so sorry about this. We've sent you a replacement and a prepaid return label; please get in touch if anything else is wrong.",
    "Sorry to hear that! We've refunded your shipping and would love the chance to make it right.",
  ],
} as const;

export const HIDDEN_REVIEW_BODY = "Cheaper copies of this on my website, search for it!!! Best prices guaranteed.";
