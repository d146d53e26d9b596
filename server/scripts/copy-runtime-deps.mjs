#!/usr/bin/env node
/**
 * `node scripts/copy-runtime-deps.mjs <dir>`: copies the packages the bundled server loads at run
 * time (RUNTIME_PACKAGES in build.mjs: argon2, PGlite) and, recursively, their production
 * dependencies, as installed from the lockfile, into <dir>/node_modules (a flat tree of real
 * files, no pnpm symlinks), plus the single files of RUNTIME_FILES (with their package.json, for
 * its exports map). The image's whole node_modules is this.
 */
import { cpSync, existsSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RUNTIME_FILES, RUNTIME_PACKAGES } from "./build.mjs";

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: copy-runtime-deps.mjs <dir>");
  process.exit(2);
}
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const target = path.resolve(outDir, "node_modules");

/** The directory of `name` as seen from `fromDir` (a package directory). */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) return null;
  }
}

const copied = new Map();
function copy(name, fromDir, optional = false) {
  const dir = packageDir(name, fromDir);
  if (!dir) {
    if (optional) return;
    throw new Error(`${name} is not installed (needed from ${fromDir})`);
  }
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const seen = copied.get(name);
  if (seen) {
    if (seen !== pkg.version) throw new Error(`${name}: two versions needed (${seen}, ${pkg.version}); a flat tree cannot hold both`);
    return;
  }
  copied.set(name, pkg.version);
  cpSync(dir, path.join(target, name), { recursive: true, dereference: true });
  for (const dep of Object.keys(pkg.dependencies ?? {})) copy(dep, dir);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) copy(dep, dir, true);
}

for (const name of RUNTIME_PACKAGES) copy(name, serverDir);
for (const [name, files] of Object.entries(RUNTIME_FILES)) {
  const dir = packageDir(name, serverDir);
  if (!dir) throw new Error(`${name} is not installed`);
  for (const f of ["package.json", ...files]) cpSync(path.join(dir, f), path.join(target, name, f), { dereference: true });
  copied.set(`${name} (${files.length} file${files.length > 1 ? "s" : ""})`, JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version);
}

// Source maps and type declarations are never loaded at run time.
const unused = /\.(map|d\.ts|d\.cts|d\.mts)$/;
for (const entry of readdirSync(target, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && unused.test(entry.name)) rmSync(path.join(entry.parentPath, entry.name));
}
console.log(`[copy-runtime-deps] ${[...copied].map(([n, v]) => `${n}@${v}`).join(", ")} → ${target}`);
