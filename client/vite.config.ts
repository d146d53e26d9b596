import { constants } from "node:zlib";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";

/**
 * Everything the Fastify server owns; the dev server forwards it so cookies stay same-origin.
 * API_URL points the dev server at a server on another port.
 */
const API = process.env.API_URL ?? "http://127.0.0.1:3000";

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [
    vue(),
    // A .br (brotli at its best, quality 11) and a .gz beside every text file of the build, made
    // once here so the server sends them as they are (static-client.ts) instead of compressing
    // the same bytes on every request.
    // The server's renderer (--ssr) is read from disk by the server, never sent: nothing to compress.
    !isSsrBuild &&
    compression({
      algorithms: [
        ["brotliCompress", { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }],
        ["gzip", { level: 9 }],
      ],
      threshold: 1024,
    }),
  ],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/trpc": API,
      "/socket.io": { target: API, ws: true },
      // The object form keeps the Host header (the string form rewrites it), so the server's
      // same-origin check on uploads sees the page's own origin.
      "/uploads": { target: API },
      "/webhooks": API,
      "/exports": API,
      "/healthz": API,
      "/readyz": API,
    },
  },
  // The server's renderer is one file with its libraries inside (Vue, the router, vue-query,
  // unhead): the image runs it without the client's node_modules (docker/Dockerfile). tRPC stays
  // outside: the server hands the renderer its own link (server/src/ssr/renderer.ts), and its
  // errors are recognised by class, so both must load the one copy (the image ships it apart:
  // RUNTIME_PACKAGES in server/scripts/build.mjs).
  ssr: { noExternal: true, external: ["@trpc/client", "@trpc/server"] },
  build: isSsrBuild ? { outDir: "dist-ssr", emptyOutDir: true, sourcemap: false } : {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    // Which built files each module needs: the server links a rendered page's own CSS and chunks.
    ssrManifest: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: their own chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: "vendor-vue", test: /node_modules[\\/](@vue|vue|vue-router|@tanstack)[\\/]/ },
            // The dashboards' chart library: loaded with the dashboard pages only, never on the home page.
            { name: "vendor-charts", test: /node_modules[\\/]uplot[\\/]/ },
            { name: "vendor", test: /node_modules[\\/]/ },
            { name: "shared", test: /[\\/]shared[\\/]src[\\/]/ },
          ],
        },
      },
    },
  },
}));
