import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrations } from "./migrate.ts";
import { ensureTemplate, readTemplate, templateFile } from "./pglite-template.ts";

const dir = mkdtempSync(path.join(tmpdir(), "mk-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the embedded database's template", () => {
  it("is made once, named after the migrations, and a database loaded from it has every migration", async () => {
    expect(await readTemplate(dir)).toBeUndefined();
    const file = await ensureTemplate(dir);
    expect(file).toBe(await templateFile(dir));
    expect(existsSync(file)).toBe(true);
    // A second call finds it and makes nothing.
    expect(await ensureTemplate(dir)).toBe(file);

    const pglite = await PGlite.create(undefined, { extensions: { pg_trgm }, loadDataDir: await readTemplate(dir) });
    try {
      const applied = await pglite.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      );
      expect(applied.rows.map((r) => r.migration_name)).toEqual((await readMigrations()).map((m) => m.name));
      // The catalog's search needs pg_trgm, created by a migration: it came along.
      expect((await pglite.query(`SELECT similarity('lamp', 'lamps') > 0.5 AS close`)).rows).toEqual([{ close: true }]);
    } finally {
      await pglite.close();
    }
  });
});
