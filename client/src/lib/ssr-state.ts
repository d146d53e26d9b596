import { dehydrate, type DehydratedState, type QueryClient } from "@tanstack/vue-query";
import superjson from "superjson";

/**
 * What a server-rendered page hands to the browser: the queries it rendered from, the address
 * it was written for, and how it was formatted. Written into the page as a JSON script (never
 * run), read back by main.ts before the app hydrates.
 */
export interface SsrState {
  queries: DehydratedState;
  publicUrl: string;
  locale: string;
  timeZone: string;
}

export const SSR_STATE_ID = "ssr-state";

/**
 * Only the public catalog's and reviews' queries go into the page: the same for every visitor
 * (the renderer asks as an anonymous visitor anyway), and never `auth.me` or anything of a
 * person's (SECURITY.md 49).
 */
const PUBLIC_ROOTS = new Set(["catalog", "reviews"]);

export function dehydratePublic(queryClient: QueryClient): DehydratedState {
  return dehydrate(queryClient, {
    shouldDehydrateQuery: (q) => q.state.status === "success" && PUBLIC_ROOTS.has(String(q.queryKey[0])),
  });
}

/**
 * The state as the text of a `<script type="application/json">`: superjson keeps dates, and every
 * `<` (and the line separators JavaScript once refused) is written as a JSON escape, so no
 * product title can close the script and start another (SECURITY.md 50).
 */
export function serializeState(state: SsrState): string {
  return superjson
    .stringify(state)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function parseState(text: string): SsrState {
  return superjson.parse<SsrState>(text);
}
