import { VueQueryPlugin } from "@tanstack/vue-query";
import { createApp } from "vue";
import App from "./App.vue";
import { startGuestCartSync } from "./features/cart/cart-sync.ts";
import { connectLiveCache } from "./lib/live-cache.ts";
import { queryClient } from "./lib/query.ts";
import { startSocket } from "./lib/socket.ts";
import { router } from "./router.ts";
import "./ui/tokens.css";
import "./ui/base.css";

// Real time: one socket for the app, its events applied to the query cache.
startSocket();
connectLiveCache();
// A guest's cart joins the account's at sign-in.
startGuestCartSync();

createApp(App).use(VueQueryPlugin, { queryClient }).use(router).mount("#app");
