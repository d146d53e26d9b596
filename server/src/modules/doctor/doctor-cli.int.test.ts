import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { createTestDatabase, usingPostgres, type TestDatabase } from "../../test/db.ts";
import { makeCategory, makeProduct, makeShop } from "../../test/factories.ts";

/**
 * `pnpm doctor` as an operator runs it: the CLI on the configured database (PostgreSQL by
 * DATABASE_URL, the embedded one by DATA_DIR), exit 0 when every check passes, 1 with the
 * failing check's name and offending id when one does, 2 when there is nothing to check.
 */
const serverDir = fileURLToPath(new URL("../../..", import.meta.url));
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "mk-doctor-")), "data");
let pgDatabase: TestDatabase | null = null;
let variantId = "";

function doctor(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/db/cli/doctor.ts"], {
      cwd: serverDir,
      env: { ...process.env, NODE_ENV: "test", DATABASE_URL: "", DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The database the CLI is pointed at: a PostgreSQL test database, or an embedded one on disk. */
async function withDatabase<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>["prisma"]) => Promise<T>): Promise<T> {
  if (pgDatabase) return work(pgDatabase.prisma);
  const database = await openDatabase({ dataDir, fromTemplate: false });
  try {
    return await work(database.prisma);
  } finally {
    await database.close();
  }
}
const cliEnv = (): Record<string, string> => (pgDatabase ? { DATABASE_URL: pgDatabase.url! } : {});

beforeAll(async () => {
  if (usingPostgres) pgDatabase = await createTestDatabase();
  else {
    const database = await openDatabase({ dataDir, fromTemplate: false });
    const conn = await database.connect();
    await migrate(conn);
    await conn.close();
    await database.close();
  }
  await withDatabase(async (db) => {
    const owner = await db.user.create({ data: { email: `cli-${Date.now()}@example.test`, name: "Cli Seller", passwordHash: "x", role: "SELLER" } });
    const shop = await makeShop(db, owner.id);
    const product = await makeProduct(db, shop.id, (await makeCategory(db)).id, { variants: [{ stock: 5 }] });
    variantId = product.variants[0]!.id;
  });
}, 120_000);
afterAll(async () => {
  await pgDatabase?.close();
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe("pnpm doctor (the CLI)", () => {
  it("exits 0 with every check listed when the database is consistent", async () => {
    const { code, output } = await doctor(cliEnv());
    expect(output).toMatch(/^ok {4}stock-conservation: 1 checked, 0 offending/m);
    expect(output).toContain("doctor: all checks passed");
    expect(code).toBe(0);
  });

  it("exits 1 naming the failing check and the offending variant", async () => {
    await withDatabase((db) => db.$executeRaw`UPDATE "variants" SET "stock" = "stock" + 1 WHERE "id" = ${variantId}`);
    const { code, output } = await doctor(cliEnv());
    expect(output).toMatch(/^FAIL {2}stock-conservation: 1 checked, 1 offending/m);
    expect(output).toContain(`first offending: ${variantId}`);
    expect(output).toContain("doctor: FAILED (stock-conservation)");
    expect(code).toBe(1);
  });

  it("exits 2 when there is no database to check", async () => {
    const { code, output } = await doctor({ DATA_DIR: path.join(path.dirname(dataDir), "nothing-here") });
    expect(output).toContain("no embedded database");
    expect(code).toBe(2);
  });
});
