import { VueQueryPlugin } from "@tanstack/vue-query";
import { createApp } from "vue";
import App from "./App.vue";
import { queryClient } from "./lib/query.ts";
import { router } from "./router.ts";
import "./ui/tokens.css";
import "./ui/base.css";

createApp(App).use(VueQueryPlugin, { queryClient }).use(router).mount("#app");
