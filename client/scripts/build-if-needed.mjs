#!/usr/bin/env node
/**
 * `pnpm start` runs this beside the server's start (server/src/client-build.ts; the server
 * serves once it is done): it builds the client (dist/) and the server's renderer of its public
 * pages (dist-ssr/) only when either is missing or older than any of its sources, so a restart costs nothing
 * when the client has not changed. Sources: client/src, client/public, client/index.html,
 * client/vite.config.ts, client/package.json and shared/src (the client bundles its schemas).
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sharedSrc = path.resolve(clientDir, "../shared/src");
const builtIndex = path.join(clientDir, "dist", "index.html");
// The server's renderer of the public pages (`vite build --ssr`), built from the same sources.
const builtRenderer = path.join(clientDir, "dist-ssr", "entry-server.js");
const sources = [
  path.join(clientDir, "src"),
  path.join(clientDir, "public"),
  path.join(clientDir, "index.html"),
  path.join(clientDir, "vite.config.ts"),
  path.join(clientDir, "package.json"),
  sharedSrc,
];

/** The newest file under `p` (a file or a directory), or null when it does not exist. */
function newest(p) {
  let stat;
  try {
    stat = statSync(p);
  } catch {
    return null;
  }
  if (!stat.isDirectory()) return { file: p, mtimeMs: stat.mtimeMs };
  // A directory's own mtime changes when a file in it is deleted or renamed.
  let best = { file: p, mtimeMs: stat.mtimeMs };
  for (const entry of readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const found = newest(path.join(p, entry));
    if (found && found.mtimeMs > best.mtimeMs) best = found;
  }
  return best;
}

/** When the older of the two builds was made, or null when one is missing. */
function builtAt() {
  try {
    return Math.min(statSync(builtIndex).mtimeMs, statSync(builtRenderer).mtimeMs);
  } catch {
    return null;
  }
}

const rel = (p) => path.relative(path.resolve(clientDir, ".."), p);
const built = builtAt();
const latest = sources.map(newest).reduce((a, b) => (b && (!a || b.mtimeMs > a.mtimeMs) ? b : a), null);

let reason = null;
if (built === null) reason = `${rel(builtIndex)} or ${rel(builtRenderer)} is missing`;
else if (latest && latest.mtimeMs > built) reason = `${rel(latest.file)} changed after the last build`;

if (!reason) {
  console.log(`[client] build is up to date (${rel(builtIndex)}); skipping vite build`);
} else {
  console.log(`[client] building: ${reason}`);
  const started = performance.now();
  const { build } = await import("vite");
  await build({ root: clientDir, logLevel: "warn" });
  await build({ root: clientDir, logLevel: "warn", build: { ssr: "src/entry-server.ts" } });
  const { user, system } = process.cpuUsage();
  console.log(
    `[client] built ${rel(path.join(clientDir, "dist"))} in ${Math.round(performance.now() - started)} ms (${Math.round((user + system) / 1000)} ms of CPU)`,
  );
}
