import { createHead as createClientHead } from "@unhead/vue/client";
import { VueQueryPlugin, type QueryClient } from "@tanstack/vue-query";
import { createApp, createSSRApp, type App, type Plugin } from "vue";
import type { Router, RouterHistory } from "vue-router";
import AppRoot from "./App.vue";
import { publicUrlKey } from "./features/seo/site.ts";
import { createAppRouter } from "./router.ts";

export interface AppParts {
  app: App;
  router: Router;
}

export interface AppOptions {
  /** Hydrate server-rendered HTML (createSSRApp) instead of mounting afresh. */
  ssr: boolean;
  history: RouterHistory;
  queryClient: QueryClient;
  /** The head manager: the browser's (by default) or a request's on the server. */
  head?: Plugin;
  /** PUBLIC_URL, for canonical links and structured data (the page's own origin when unknown). */
  publicUrl?: string;
}

/** The one app, as the browser (main.ts) and the server's renderer (entry-server.ts) build it. */
export function createMarketplaceApp(options: AppOptions): AppParts {
  const app = options.ssr ? createSSRApp(AppRoot) : createApp(AppRoot);
  const router = createAppRouter(options.history);
  app.use(VueQueryPlugin, { queryClient: options.queryClient });
  app.use(options.head ?? createClientHead());
  app.use(router);
  if (options.publicUrl) app.provide(publicUrlKey, options.publicUrl);
  return { app, router };
}
