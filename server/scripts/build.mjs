#!/usr/bin/env node
/**
 * `pnpm --filter @marketplace/server build`: the server as plain JavaScript for the image (no tsx
 * at run time). esbuild bundles our code (server/src, the generated Prisma client,
 * @marketplace/shared) and the pure-JavaScript packages it uses (Fastify, tRPC, Socket.IO, pg,
 * Prisma's runtime, zod…) into one ES module per entry point.
 * Only RUNTIME_PACKAGES stay external: argon2 (a native addon), PGlite (which loads its
 * WebAssembly and data files next to its modules), tRPC (shared with the client's server renderer), and RUNTIME_FILES (Prisma's query compiler);
 * `scripts/copy-runtime-deps.mjs` copies exactly those, with their dependencies, into the image. Optional natives (pg-native, bufferutil,
 * utf-8-validate) and pino-pretty (development logs only) are left out on purpose.
 *
 *   src/main.ts            → dist/main.js
 *   src/db/cli/migrate.ts  → dist/cli/migrate.js   (one-shot migrations, e.g. a Kubernetes Job)
 *   src/db/cli/seed.ts     → dist/cli/seed.js      (demo data, on request; refuses production)
 *
 * Our modules find files next to their sources with `new URL("../…", import.meta.url)` (the
 * migrations, the built client, the default data dir). Bundled, `import.meta.url` would be the
 * bundle's, so each one is rewritten to the URL the source file had, relative to the bundle:
 * the same paths resolve in the repository and in the image's /app.
 */
import { build } from "esbuild";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = path.join(serverDir, "dist");

const entries = [
  { in: "src/main.ts", out: "main.js" },
  { in: "src/db/cli/migrate.ts", out: "cli/migrate.js" },
  { in: "src/db/cli/seed.ts", out: "cli/seed.js" },
];

/** Packages loaded from node_modules at run time (copied into the image by copy-runtime-deps.mjs). */
/**
 * Loaded by the server and by the client's server renderer (client/dist-ssr) alike: the server
 * hands the renderer a tRPC link, and tRPC tells its errors by class, so there must be one copy.
 */
const SHARED_WITH_RENDERER = ["@trpc/client", "@trpc/server"];
export const RUNTIME_PACKAGES = ["argon2", "@electric-sql/pglite", ...SHARED_WITH_RENDERER];
/** Optional or development-only packages that are never shipped: their imports stay unresolved. */
const NOT_SHIPPED = ["pg-native", "bufferutil", "utf-8-validate", "pino-pretty"];
/**
 * Single files of bundled packages that stay files: Prisma's PostgreSQL query compiler is a 4.6 MB
 * base64 string; inlined, it would sit in the bundle's source (kept in memory by V8) from the
 * start: +60 MB of idle RSS measured. Loaded from its file, only when Prisma first compiles a query.
 */
export const RUNTIME_FILES = { "@prisma/client": ["runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs"] };
const external = [...RUNTIME_PACKAGES, ...RUNTIME_PACKAGES.map((p) => `${p}/*`), ...NOT_SHIPPED,
  ...Object.entries(RUNTIME_FILES).flatMap(([p, files]) => files.map((f) => `${p}/${f}`))];

/** CommonJS packages bundled into an ES module still call require() for Node's built-ins. */
const banner = `import { createRequire as __bundleCreateRequire } from "node:module";
const require = __bundleCreateRequire(import.meta.url);`;

/** Rewrites `import.meta.url` in our sources to the source file's own URL, relative to the bundle. */
function sourceUrls(outfile) {
  return {
    name: "source-urls",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta.url")) return { contents: source, loader: "ts" };
        const rel = path.relative(path.dirname(outfile), args.path).split(path.sep).join("/");
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
      });
    },
  };
}

// Imported by copy-runtime-deps.mjs for RUNTIME_PACKAGES only; run, it builds.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll();

async function buildAll() {
  const startedAt = performance.now();
  await rm(distDir, { recursive: true, force: true });
  for (const entry of entries) await bundleEntry(path.join(serverDir, entry.in), path.join(distDir, entry.out));
  console.log(`[build] server → ${path.relative(process.cwd(), distDir) || "dist"} in ${Math.round(performance.now() - startedAt)} ms`);
}

/**
 * Bundles one entry point as the image's are bundled (bench/ builds its server entry points with
 * it, to measure the server as the image runs it: plain JavaScript, no tsx).
 */
export async function bundleEntry(entryPoint, outfile) {
  await build({
    entryPoints: [entryPoint],
    // Split so that what is imported only on demand (the S3 image store and its SDK, ~1.3 MB
    // of source, for UPLOAD_STORE=s3 only) is a chunk of its own, never loaded otherwise:
    // V8 keeps every loaded module's source in memory. Chunks sit beside their entry, so the
    // rewritten import.meta.url paths below hold for them too.
    outdir: path.dirname(outfile),
    entryNames: path.basename(outfile, ".js"),
    chunkNames: "chunk-[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    external,
    banner: { js: banner },
    plugins: [sourceUrls(outfile)],
  });
  await keepSourcesOneByte(path.dirname(outfile));
}

/**
 * V8 keeps each loaded module's source text in memory, one byte per character while every
 * character fits in Latin-1, two bytes once one does not. esbuild escapes strings and identifiers
 * but keeps comments (and regular expression literals) as written, and a single "—" in a bundled
 * package's comment doubled main.js's 6 MB of source to 12 MB held at idle (a heap snapshot of
 * the idle server). Every character beyond Latin-1 left in the output is written as its `\uXXXX`
 * escape, which means the same in a regular expression and is only text in a comment.
 */
async function keepSourcesOneByte(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const source = await readFile(file, "utf8");
    const escaped = source.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    if (escaped !== source) await writeFile(file, escaped);
  }
}
