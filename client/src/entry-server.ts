/**
 * The server's renderer (built by `vite build --ssr`, loaded by server/src/ssr/renderer.ts): a
 * public page's HTML, rendered from the same components, with the data its components asked for
 * on the server (their `onServerPrefetch`), its head tags, and the dehydrated queries.
 */
import { QueryClient } from "@tanstack/vue-query";
import { createHead, transformHtmlTemplate } from "@unhead/vue/server";
import type { TRPCLink } from "@trpc/client";
import type { AppRouter } from "@marketplace/server/router";
import { renderToString, type SSRContext } from "vue/server-renderer";
import { createMemoryHistory } from "vue-router";
import { createMarketplaceApp } from "./app.ts";
import { fixDisplay, SERVER_DISPLAY } from "./lib/format.ts";
import { readApiError, useLocalTransport } from "./lib/trpc.ts";
import { dehydratePublic, serializeState, SSR_STATE_ID, type SsrState } from "./lib/ssr-state.ts";

fixDisplay(SERVER_DISPLAY.locale, SERVER_DISPLAY.timeZone);

export interface RenderOptions {
  /** The request's path and query ("/products/…?…"). */
  url: string;
  /** client/dist/index.html, with `<!--ssr-outlet-->` inside `#app`. */
  template: string;
  publicUrl: string;
  /** Vite's SSR manifest (module → the built files it needs): the page's own CSS and chunks are linked up front. */
  manifest: Record<string, string[]>;
}

export interface RenderResult {
  /**
   * 200; 404 when the page's subject does not exist (a product, a shop); `missing` names which, so
   * the server can tell an archived product (410) from one that never was.
   */
  status: 200 | 404;
  missing: { kind: "product"; id: string } | { kind: "shop"; slug: string } | null;
  /** Not a server-rendered route: the server sends the client-rendered shell instead. */
  clientOnly: boolean;
  html: string;
}

/** Called once by the server: the procedures are called in its process, as an anonymous visitor. */
export function setTransport(link: TRPCLink<AppRouter>): void {
  useLocalTransport(link);
}

export async function render(options: RenderOptions): Promise<RenderResult> {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
  const head = createHead();
  const { app, router } = createMarketplaceApp({ ssr: true, history: createMemoryHistory(), queryClient, head, publicUrl: options.publicUrl });
  await router.push(options.url);
  await router.isReady();
  const route = router.currentRoute.value;
  if (!route.meta.serverRendered) return { status: 200, missing: null, clientOnly: true, html: "" };

  const ctx: SSRContext = {};
  const appHtml = await renderToString(app, ctx);
  const missing = missingSubject(queryClient, route.name, route.params);
  const state: SsrState = { queries: dehydratePublic(queryClient), publicUrl: options.publicUrl, ...SERVER_DISPLAY };
  const page = options.template
    .replace("<!--ssr-preload-->", preloadLinks(ctx.modules as Set<string> | undefined, options.manifest))
    .replace("<!--ssr-outlet-->", appHtml)
    // Without the state, a missing subject's page is drawn afresh by the browser (an error state is not hydrated).
    .replace("<!--ssr-state-->", missing ? "" : `<script type="application/json" id="${SSR_STATE_ID}">${serializeState(state)}</script>`);
  return { status: missing ? 404 : 200, missing, clientOnly: false, html: transformHtmlTemplate(head, page) };
}

/** The product or shop a page is about, when its query came back NOT_FOUND. */
function missingSubject(queryClient: QueryClient, name: unknown, params: Record<string, string | string[]>): RenderResult["missing"] {
  const failed = queryClient
    .getQueryCache()
    .findAll({ queryKey: ["catalog"], type: "all" })
    // NOT_FOUND, or an id that cannot be one (BAD_REQUEST): nothing there either way.
    .some((q) => q.state.status === "error" && ["NOT_FOUND", "BAD_REQUEST"].includes(readApiError(q.state.error).code));
  if (!failed) return null;
  if (name === "product") return { kind: "product", id: String(params.id) };
  if (name === "shop") return { kind: "shop", slug: String(params.slug) };
  return null;
}

/** `<link>`s for the CSS and JavaScript of the modules this page rendered (its route's chunk among them). */
function preloadLinks(modules: Set<string> | undefined, manifest: Record<string, string[]>): string {
  const files = new Set<string>();
  for (const id of modules ?? []) for (const file of manifest[id] ?? []) files.add(file);
  return [...files]
    .map((file) =>
      file.endsWith(".css") ? `<link rel="stylesheet" href="${file}">` : file.endsWith(".js") ? `<link rel="modulepreload" crossorigin href="${file}">` : "",
    )
    .join("");
}
