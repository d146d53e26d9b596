import { useHead } from "@unhead/vue";
import type { Thing, WithContext } from "schema-dts";
import { computed, toValue, type MaybeRefOrGetter } from "vue";
import { absoluteUrl, shareableImage, SITE_NAME, usePublicUrl } from "./site.ts";

/** What a public page says about itself to search engines and link previews. */
export interface PageHead {
  title: string;
  description: string;
  /** The page's canonical path ("/products/…", "/search?category=…"). */
  path: string;
  /** The picture a shared link shows (a product's first photo, a shop's logo). */
  image?: string | null;
  /** A product's price for Open Graph (`product:price:*`) and the Twitter card. */
  price?: { amount: string; currency: string; label: string } | null;
  type?: "website" | "product" | "profile";
  /** schema.org structured data, each written as its own `application/ld+json` script. */
  jsonLd?: WithContext<Thing>[];
  /** A page search engines should not index (a search with filters, an empty result). */
  noindex?: boolean;
}

/**
 * The page's head tags: title, description, canonical link, Open Graph and Twitter card, JSON-LD.
 * Rendered into the HTML on the server (unhead), kept up to date in the browser as the page's
 * data changes. unhead writes JSON-LD with every `<` escaped, so no text in it can close the script.
 */
export function usePageHead(input: MaybeRefOrGetter<PageHead | null>): void {
  const publicUrl = usePublicUrl();
  useHead(
    computed(() => {
      const head = toValue(input);
      if (!head) return {};
      const url = absoluteUrl(publicUrl, head.path);
      const image = shareableImage(publicUrl, head.image);
      const meta = [
        { name: "description", content: head.description },
        { property: "og:site_name", content: SITE_NAME },
        { property: "og:type", content: head.type ?? "website" },
        { property: "og:title", content: head.title },
        { property: "og:description", content: head.description },
        { property: "og:url", content: url },
        ...(image ? [{ property: "og:image", content: image }] : []),
        { name: "twitter:card", content: image ? "summary_large_image" : "summary" },
        { name: "twitter:title", content: head.title },
        { name: "twitter:description", content: head.description },
        ...(image ? [{ name: "twitter:image", content: image }] : []),
        ...(head.price
          ? [
              { property: "product:price:amount", content: head.price.amount },
              { property: "product:price:currency", content: head.price.currency },
              { name: "twitter:label1", content: "Price" },
              { name: "twitter:data1", content: head.price.label },
            ]
          : []),
        ...(head.noindex ? [{ name: "robots", content: "noindex, follow" }] : []),
      ];
      return {
        title: head.title,
        meta,
        link: [{ rel: "canonical", href: url }],
        script: (head.jsonLd ?? []).map((data, i) => ({ key: `ld-${i}`, type: "application/ld+json" as const, innerHTML: JSON.stringify(data) })),
      };
    }),
  );
}

/** A description of at most 160 characters, cut at a word, from free text. */
export function describe(text: string, fallback: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (!clean) return fallback;
  if (clean.length <= 160) return clean;
  const cut = clean.slice(0, 157);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 100 ? cut.lastIndexOf(" ") : 157)}…`;
}
