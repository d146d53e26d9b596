import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * The root `pnpm start` builds the client (when its build is missing or older than its sources:
 * client/scripts/build-if-needed.mjs) in a child process while this one opens, migrates and seeds
 * the database, instead of before it: on a first start the two take seconds each and this machine
 * has more than one core. The server listens once both are done, so `/readyz` answering means the
 * storefront is served too. The image and `pnpm --filter @marketplace/server start` build nothing.
 */
const BUILD_SCRIPT = fileURLToPath(new URL("../../client/scripts/build-if-needed.mjs", import.meta.url));

let building: Promise<void> | undefined;

/** Starts the client's build-if-needed in a child process; its output goes to this one's. */
export function startClientBuild(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT], { stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    // A start that fails (or is stopped) while the build runs leaves no build behind.
    const stop = () => child.kill();
    process.once("exit", stop);
    child.once("exit", (code, signal) => {
      process.removeListener("exit", stop);
      if (code === 0) resolve();
      else reject(new ClientBuildError(`the client's build failed (${signal ?? `exit code ${code}`}); its output is above`));
    });
  });
  // Awaited later (before the server is created): a failure must not be an unhandled rejection first.
  building.catch(() => {});
  return building;
}

/** Resolves when the build started by startClientBuild has finished (at once when none was started). */
export function clientBuildFinished(): Promise<void> {
  return building ?? Promise.resolve();
}

export class ClientBuildError extends Error {
  override name = "ClientBuildError";
}
