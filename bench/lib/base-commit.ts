import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const repoDir = new URL("../..", import.meta.url).pathname;

/**
 * Another commit of the marketplace, checked out beside this one (a detached git worktree under the
 * system's temporary folder, its packages installed from the local store), so that a benchmark can
 * run its servers next to this tree's in the same rounds: what a change did, read from paired
 * rounds instead of from two runs an hour apart on a shared machine. Made once per commit and
 * reused; `git worktree prune` forgets it once the folder is gone.
 */
export interface BaseCommit {
  commit: string;
  dir: string;
  /** Bundles one of the base's benchmark servers (e.g. "bench/search/server-ours.ts") as the base's own build does. */
  bundle(entry: string, name: string): Promise<string>;
}

export async function checkOutBase(rev: string, log: (line: string) => void): Promise<BaseCommit> {
  const commit = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: repoDir, encoding: "utf8" }).trim();
  const dir = path.join(os.tmpdir(), "mk-bench-base", commit);
  if (!existsSync(path.join(dir, "node_modules"))) {
    log(`checking out ${commit.slice(0, 10)} in ${dir} and installing its packages`);
    if (!existsSync(dir)) execFileSync("git", ["worktree", "add", "--detach", dir, commit], { cwd: repoDir, stdio: "ignore" });
    execFileSync("pnpm", ["install", "--offline", "--frozen-lockfile"], { cwd: dir, stdio: "ignore" });
  }
  const build = (await import(pathToFileURL(path.join(dir, "server/scripts/build.mjs")).href)) as { bundleEntry(entry: string, outfile: string): Promise<void> };
  return {
    commit,
    dir,
    async bundle(entry, name) {
      const outfile = path.join(dir, "server/.bench-build", name, `${name}.js`);
      await build.bundleEntry(path.join(dir, entry), outfile);
      return outfile;
    },
  };
}
