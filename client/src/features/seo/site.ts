import { inject, type InjectionKey } from "vue";

/**
 * The site's public address (PUBLIC_URL, without a trailing slash): canonical links, Open Graph
 * URLs and JSON-LD ids are absolute. The server passes it to the renderer and into the page; a
 * client-rendered page falls back to its own origin.
 */
export const publicUrlKey: InjectionKey<string> = Symbol("publicUrl");

export function usePublicUrl(): string {
  return inject(publicUrlKey, () => (typeof location === "undefined" ? "" : location.origin), true);
}

/** An absolute URL on the site for a path ("/products/…"), or an image URL kept as it is when already absolute. */
export function absoluteUrl(publicUrl: string, pathOrUrl: string): string {
  return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${publicUrl}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
}

/** An image's absolute URL for a link preview, or null for one no other site can fetch (an inline `data:` image). */
export function shareableImage(publicUrl: string, url: string | null | undefined): string | null {
  if (!url || /^(data|blob):/i.test(url)) return null;
  return absoluteUrl(publicUrl, url);
}

export const SITE_NAME = "Bazaar";
