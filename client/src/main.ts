import { VueQueryPlugin } from "@tanstack/vue-query";
import { createApp } from "vue";
import App from "./App.vue";
import { connectLiveCache } from "./lib/live-cache.ts";
import { queryClient } from "./lib/query.ts";
import { startSocket } from "./lib/socket.ts";
import { router } from "./router.ts";
import "./ui/tokens.css";
import "./ui/base.css";

// Real time: one socket for the app, its events applied to the query cache.
startSocket();
connectLiveCache();

createApp(App).use(VueQueryPlugin, { queryClient }).use(router).mount("#app");
