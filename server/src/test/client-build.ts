import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Builds the client and its server renderer when they are missing or older than their sources
 * (client/scripts/build-if-needed.mjs, as `pnpm start` does): the server-rendering tests render
 * the real pages. Run from one test file only (two builds at once would write the same folder).
 */
export function ensureClientBuild(): void {
  const script = fileURLToPath(new URL("../../../client/scripts/build-if-needed.mjs", import.meta.url));
  execFileSync(process.execPath, [script], { stdio: ["ignore", "ignore", "inherit"] });
}
