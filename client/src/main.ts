import { hydrate } from "@tanstack/vue-query";
import { createWebHistory } from "vue-router";
import { createMarketplaceApp } from "./app.ts";
import { startGuestCartSync } from "./features/cart/cart-sync.ts";
import { fixDisplay } from "./lib/format.ts";
import { connectLiveCache } from "./lib/live-cache.ts";
import { queryClient } from "./lib/query.ts";
import { queryKeys } from "./lib/query-keys.ts";
import { startSocket } from "./lib/socket.ts";
import { parseState, SSR_STATE_ID } from "./lib/ssr-state.ts";
import "./ui/tokens.css";
import "./ui/base.css";

// A server-rendered page: its queries seed the cache (the first render fetches nothing again),
// and it is formatted as the server wrote it, so hydration finds the same text.
const stateText = document.getElementById(SSR_STATE_ID)?.textContent;
const state = stateText ? parseState(stateText) : null;
if (state) {
  hydrate(queryClient, state.queries);
  fixDisplay(state.locale, state.timeZone);
  // The server asked as nobody: a signed-in reader's own marks on the reviews (theirs, voted
  // helpful) come with a fetch once it is known who they are.
  const stop = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" || event.query.queryKey[0] !== queryKeys.me[0] || event.query.queryKey[1] !== queryKeys.me[1]) return;
    if (event.query.state.data === undefined) return;
    stop();
    if (event.query.state.data) void queryClient.invalidateQueries({ queryKey: queryKeys.reviews.all });
  });
}

// Real time: one socket for the app, its events applied to the query cache.
startSocket();
connectLiveCache();
// A guest's cart joins the account's at sign-in.
startGuestCartSync();

const { app, router } = createMarketplaceApp({
  ssr: state !== null,
  history: createWebHistory(),
  queryClient,
  ...(state ? { publicUrl: state.publicUrl } : {}),
});
// Hydration needs the route's page loaded first (its chunk), or it would find nothing to match.
if (state) void router.isReady().then(() => app.mount("#app"));
else app.mount("#app");
