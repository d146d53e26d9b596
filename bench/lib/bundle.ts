import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleEntry } from "../../server/scripts/build.mjs";

/** Inside server/, so that the packages the bundle leaves outside it (argon2, tRPC…) resolve from server/node_modules. */
const buildDir = fileURLToPath(new URL("../../server/.bench-build/", import.meta.url));

/**
 * Bundles a benchmark's server entry point the way the image's server is bundled
 * (server/scripts/build.mjs), so that it runs as plain JavaScript without tsx: what production
 * runs, and what its memory is measured as (tsx's compiled sources and source maps add tens of
 * MB). Returns the bundle's path, for `ServerProcess.start({ script, plain: true })`.
 */
export async function bundled(script: URL, name: string): Promise<string> {
  const outfile = path.join(buildDir, name, `${name}.js`);
  await bundleEntry(fileURLToPath(script), outfile);
  return outfile;
}
