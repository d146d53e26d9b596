import type { BreadcrumbList, ItemAvailability, Product, Review, Store, WithContext } from "schema-dts";
import type { CatalogProduct, ShopProfile } from "../catalog/use-catalog.ts";
import type { PublicReview } from "../reviews/use-reviews.ts";
import { absoluteUrl, shareableImage } from "./site.ts";

/**
 * schema.org structured data for the public pages, typed by schema-dts (the vocabulary's own
 * types): a product with its offers, rating and reviews; a shop as a Store; a category path as a
 * BreadcrumbList. Money is in minor units here, and written in major units with the currency's decimals.
 */

/** "12.50" for 1250 cents in EUR; "1250" in JPY (no decimals). */
export function majorUnits(minor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown currency code: two decimals
  }
  return (minor / 10 ** digits).toFixed(digits);
}

const availability = (stock: number): ItemAvailability => (stock > 0 ? "https://schema.org/InStock" : "https://schema.org/OutOfStock");

export function productJsonLd(product: CatalogProduct, reviews: readonly PublicReview[], publicUrl: string): WithContext<Product> {
  const url = absoluteUrl(publicUrl, `/products/${product.id}`);
  const [first] = product.variants;
  const images = product.images.flatMap((i) => shareableImage(publicUrl, i.url) ?? []);
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    "@id": `${url}#product`,
    name: product.title,
    url,
    ...(product.description ? { description: product.description } : {}),
    ...(images.length ? { image: images } : {}),
    ...(first?.sku ? { sku: first.sku } : {}),
    brand: { "@type": "Brand", name: product.shop.name },
    category: [...product.category.ancestors.map((c) => c.name), product.category.name].join(" > "),
    offers: product.variants.map((v) => ({
      "@type": "Offer",
      ...(v.sku ? { sku: v.sku } : {}),
      ...(product.variants.length > 1 ? { name: v.title } : {}),
      price: majorUnits(v.priceCents, v.currency),
      priceCurrency: v.currency,
      availability: availability(v.stock),
      url,
      seller: { "@type": "Organization", name: product.shop.name, url: absoluteUrl(publicUrl, `/shops/${product.shop.slug}`) },
    })),
    ...(product.ratingCount > 0
      ? {
          aggregateRating: {
            "@type": "AggregateRating",
            ratingValue: Math.round(product.ratingAvg * 10) / 10,
            reviewCount: product.ratingCount,
            bestRating: 5,
            worstRating: 1,
          },
        }
      : {}),
    ...(reviews.length ? { review: reviews.map(reviewJsonLd) } : {}),
  };
}

function reviewJsonLd(r: PublicReview): Review {
  return {
    "@type": "Review",
    reviewRating: { "@type": "Rating", ratingValue: r.rating, bestRating: 5, worstRating: 1 },
    author: { "@type": "Person", name: r.author.name },
    datePublished: r.createdAt.toISOString().slice(0, 10),
    ...(r.title ? { name: r.title } : {}),
    reviewBody: r.body,
  };
}

export function shopJsonLd(shop: ShopProfile, publicUrl: string): WithContext<Store> {
  const url = absoluteUrl(publicUrl, `/shops/${shop.slug}`);
  const logo = shareableImage(publicUrl, shop.logoUrl);
  return {
    "@context": "https://schema.org",
    "@type": "Store",
    "@id": `${url}#store`,
    name: shop.name,
    url,
    ...(shop.description ? { description: shop.description } : {}),
    ...(logo ? { logo, image: logo } : {}),
    ...(shop.ratingCount > 0
      ? {
          aggregateRating: {
            "@type": "AggregateRating",
            ratingValue: Math.round(shop.ratingAvg * 10) / 10,
            reviewCount: shop.ratingCount,
            bestRating: 5,
            worstRating: 1,
          },
        }
      : {}),
  };
}

/** Home › root category › … › the category: each crumb a link to its search page. */
export function breadcrumbJsonLd(path: readonly { id: string; name: string }[], publicUrl: string): WithContext<BreadcrumbList> {
  return {
    "@context": "https://schema.org",
    "@type": "BreadcrumbList",
    itemListElement: [{ id: null, name: "Home" }, ...path].map((c, i) => ({
      "@type": "ListItem",
      position: i + 1,
      name: c.name,
      item: absoluteUrl(publicUrl, c.id ? `/search?category=${encodeURIComponent(c.id)}` : "/"),
    })),
  };
}
