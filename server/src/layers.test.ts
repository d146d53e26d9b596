import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The server's layering, read from its sources (ARCHITECTURE.md): one reader of the environment,
 * a `lib/` that stands on nothing above it, and services that know nothing of the transport.
 * Tests and their helpers (src/test/) are free; generated code is not ours.
 */
const src = fileURLToPath(new URL(".", import.meta.url));

function sourceFiles(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "test" ? [] : sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [full] : [];
  });
}

const files = sourceFiles().map((file) => ({ name: path.relative(src, file).split(path.sep).join("/"), text: readFileSync(file, "utf8") }));

/** The module paths a file imports or re-exports (static and dynamic), as written. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
}

/** `process.env`, `process["env"]`, `{ env } = process`, in any spacing. */
const READS_ENV = /\bprocess\s*(?:\.\s*env\b|\[\s*["'`]env["'`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*(?:globalThis\.)?process\b/;

describe("the server's layers", () => {
  it("reads the sources it checks (a scan that found nothing would pass anything)", () => {
    expect(files.some((f) => f.name === "config.ts")).toBe(true);
    expect(files.filter((f) => f.name.startsWith("modules/")).length).toBeGreaterThan(40);
  });

  it("config.ts is the only reader of process.env", () => {
    const readers = files.filter((f) => READS_ENV.test(f.text)).map((f) => f.name);
    expect(readers).toEqual(["config.ts"]);
  });

  it("lib/ imports nothing from trpc/, realtime/ or modules/", () => {
    const upward = files
      .filter((f) => f.name.startsWith("lib/"))
      .flatMap((f) => importsOf(f.text).filter((p) => /(^|\/)(trpc|realtime|modules)\//.test(p)).map((p) => `${f.name} → ${p}`));
    expect(upward).toEqual([]);
  });

  it("services import nothing of tRPC (only routers do): they take a plain Scope", () => {
    const transport = files
      .filter((f) => f.name.startsWith("modules/") && !f.name.endsWith(".router.ts"))
      .flatMap((f) => importsOf(f.text).filter((p) => /(^|\/)trpc\/|^@trpc\//.test(p)).map((p) => `${f.name} → ${p}`));
    expect(transport).toEqual([]);
  });
});
