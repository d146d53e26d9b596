import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vitest/config";

/**
 * Unit tests of the client's logic (search filters ↔ URL, API errors → form messages, live
 * events → cache patches, the guest cart and its merge, the form shells), in happy-dom: a DOM,
 * localStorage and the `storage` event without a browser. The browser journeys in e2e/ cover the
 * same features end to end.
 */
export default defineConfig({
  plugins: [vue()],
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    environmentOptions: { happyDOM: { url: "http://bazaar.test/" } },
  },
});
