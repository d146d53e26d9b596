import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { migrate, readMigrations } from "./migrate.ts";

/**
 * A new embedded database starts as a copy of a migrated template instead of running PGlite's
 * initdb and every migration: measured here, 3.7 s for a fresh in-memory PGlite against 0.8 s
 * from the template (1.3 s into a data folder), on a loaded 2-core machine. The template is a
 * gzipped tarball of a PGlite data folder (`dumpDataDir`), named after PGlite's version and the
 * migrations' checksums, so a new migration or PGlite release makes a new one instead of
 * loading a stale one; kept under node_modules/.cache, made by `pnpm install` (postinstall) and
 * by the test run's global setup. Where it cannot be read or written (a read-only image), a
 * database starts the usual way: the template is only ever a shortcut.
 */
export const TEMPLATE_DIR = fileURLToPath(new URL("../../../node_modules/.cache/marketplace", import.meta.url));

function pgliteVersion(): string {
  // The package exports no package.json: it is read from the folder above its entry point.
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@electric-sql/pglite");
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`));
  return (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}

export async function templateFile(dir = TEMPLATE_DIR): Promise<string> {
  const sums = (await readMigrations()).map((m) => m.checksum).join(",");
  const key = createHash("sha256").update(`${pgliteVersion()}\n${sums}`).digest("hex").slice(0, 16);
  return path.join(dir, `pglite-${key}.tar.gz`);
}

/** The template's bytes, or undefined when there is none for these migrations yet. */
export async function readTemplate(dir = TEMPLATE_DIR): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await templateFile(dir))]);
  } catch {
    return undefined;
  }
}

/**
 * Makes the template for the current migrations unless it exists: an in-memory PGlite, migrated,
 * dumped. Written to a temporary name and renamed, so a reader never sees half a file and two
 * runs making it at once both succeed. Returns its path.
 */
export async function ensureTemplate(dir = TEMPLATE_DIR): Promise<string> {
  const file = await templateFile(dir);
  if (await readFile(file).then(() => true, () => false)) return file;
  const pglite = await PGlite.create(undefined, { extensions: { pg_trgm } });
  try {
    await migrate({
      query: async (sql, params) => (await pglite.query(sql, params)).rows as never[],
      exec: async (sql) => {
        await pglite.exec(sql);
      },
      close: async () => {},
    });
    const dump = await pglite.dumpDataDir("gzip");
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${randomBytes(4).toString("hex")}.partial`;
    try {
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
  } finally {
    await pglite.close();
  }
  return file;
}
