import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTestDatabase, usingPostgres } from "../test/db.ts";
import { openDatabase, type Database } from "./client.ts";
import { migrate } from "./migrate.ts";
import type { SqlConnection } from "./sql.ts";

/**
 * Drift guard: migrations are written by hand, so this test compares the data model the Prisma
 * client was generated from (its DMMF) with the migrated database: tables, columns, types,
 * nullability, enums, primary, unique and plain indexes, and foreign keys. On PGlite always, and
 * on PostgreSQL when DATABASE_URL is set.
 */
const require = createRequire(import.meta.url);
const schemaPath = fileURLToPath(new URL("../../../prisma/schema.prisma", import.meta.url));
const schemaText = readFileSync(schemaPath, "utf8");

interface DmmfField {
  name: string;
  dbName?: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
}

function loadDmmf(): Dmmf {
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))) as Dmmf;
}

/** The PostgreSQL type a Prisma scalar maps to (with its native-type attribute). */
function expectedType(f: DmmfField): string {
  if (f.kind === "enum") return `enum:${f.type}`;
  if (f.nativeType) {
    const [name, args] = f.nativeType;
    if (name === "Timestamptz") return `timestamp with time zone(${args[0] ?? 3})`;
    if (name === "Char") return `character(${args[0]})`;
    return name.toLowerCase();
  }
  const map: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Boolean: "boolean",
    DateTime: "timestamp without time zone(3)",
    Json: "jsonb",
    Decimal: "numeric",
    Bytes: "bytea",
  };
  return map[f.type] ?? `unknown:${f.type}`;
}

/**
 * Fields declared `Unsupported("…")` are absent from the DMMF's fields (though their indexes are
 * not): read them from the schema text, as table → (field name → column name).
 */
function unsupportedFields(): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  let pending = new Map<string, string>();
  for (const line of schemaText.split("\n")) {
    if (/^model \w+/.test(line)) pending = new Map();
    const field = /^\s+(\w+)\s+Unsupported\("[^"]+"\)\??.*@map\("([^"]+)"\)/.exec(line);
    if (field) pending.set(field[1]!, field[2]!);
    const map = /^\s+@@map\("([^"]+)"\)/.exec(line);
    if (map && pending.size) result.set(map[1]!, pending);
  }
  return result;
}

function unsupportedColumns(): Map<string, string[]> {
  return new Map([...unsupportedFields()].map(([table, fields]) => [table, [...fields.values()]]));
}

function describeModel(dmmf: Dmmf) {
  const models = dmmf.datamodel.models;
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const unsupported = unsupportedFields();
  const colOf = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field);
    return f ? (f.dbName ?? f.name) : unsupported.get(tableOf.get(model.name)!)?.get(field) ?? `unknown:${field}`;
  };
  const columns: string[] = [];
  const foreignKeys: string[] = [];
  for (const m of models) {
    const table = tableOf.get(m.name)!;
    for (const f of m.fields) {
      if (f.kind === "object") {
        if (f.relationFromFields?.length) {
          const target = models.find((x) => x.name === f.type)!;
          foreignKeys.push(
            `${table}(${f.relationFromFields.map((x) => colOf(m, x)).join(",")}) -> ${tableOf.get(f.type)}(${f.relationToFields!
              .map((x) => colOf(target, x))
              .join(",")}) on delete ${(f.relationOnDelete ?? "NoAction").toLowerCase()}`,
          );
        }
        continue;
      }
      columns.push(`${table}.${f.dbName ?? f.name} ${expectedType(f)} ${f.isRequired ? "not null" : "null"}`);
    }
  }
  for (const [table, cols] of unsupportedColumns()) for (const c of cols) columns.push(`${table}.${c} unsupported`);
  const indexes = dmmf.datamodel.indexes.map((i) => {
    const model = models.find((m) => m.name === i.model)!;
    const kind = i.type === "normal" ? "index" : i.type === "id" ? "primary" : "unique";
    return `${tableOf.get(i.model)} ${kind}(${i.fields.map((f) => colOf(model, f.name)).join(",")})`;
  });
  const enums = dmmf.datamodel.enums.map((e) => `${e.name}: ${e.values.map((v) => v.name).join(",")}`);
  return { tables: [...tableOf.values()].sort(), columns: columns.sort(), indexes: indexes.sort(), foreignKeys: foreignKeys.sort(), enums: enums.sort() };
}

async function describeDatabase(conn: SqlConnection, unsupported: Map<string, string[]>) {
  const tables = await conn.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  const cols = await conn.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; datetime_precision: number | null; character_maximum_length: number | null }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision, character_maximum_length
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const columns = cols.map((c) => {
    if (unsupported.get(c.table_name)?.includes(c.column_name)) return `${c.table_name}.${c.column_name} unsupported`;
    let type = c.data_type;
    if (type === "USER-DEFINED") type = `enum:${c.udt_name}`;
    else if (type.startsWith("timestamp")) type = `${type}(${c.datetime_precision})`;
    else if (type === "character") type = `character(${c.character_maximum_length})`;
    return `${c.table_name}.${c.column_name} ${type} ${c.is_nullable === "NO" ? "not null" : "null"}`;
  });
  const idx = await conn.query<{ t: string; primary: boolean; unique: boolean; cols: string }>(
    `SELECT t.relname AS t, i.indisprimary AS primary, i.indisunique AS unique,
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
  );
  const indexes = idx.map((i) => `${i.t} ${i.primary ? "primary" : i.unique ? "unique" : "index"}(${i.cols})`);
  const fks = await conn.query<{ def: string }>(
    `SELECT c.conrelid::regclass::text || '(' ||
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
            || ') -> ' || c.confrelid::regclass::text || '(' ||
            (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)
            || ') on delete ' || CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'r' THEN 'restrict' WHEN 'n' THEN 'setnull' WHEN 'd' THEN 'setdefault' ELSE 'noaction' END AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const enumRows = await conn.query<{ e: string }>(
    `SELECT t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS e
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  return {
    tables: tables.map((r) => r.t).sort(),
    columns: columns.sort(),
    indexes: indexes.sort(),
    foreignKeys: fks.map((r) => r.def.replaceAll('"', "")).sort(),
    enums: enumRows.map((r) => r.e).sort(),
  };
}

async function expectNoDrift(database: Database) {
  const conn = await database.connect();
  try {
    const expected = describeModel(loadDmmf());
    const actual = await describeDatabase(conn, unsupportedColumns());
    expect(actual.tables).toEqual(expected.tables);
    expect(actual.enums).toEqual(expected.enums);
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.indexes).toEqual(expected.indexes);
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  } finally {
    await conn.close();
  }
}

describe("schema drift: prisma/schema.prisma equals the migrated database", () => {
  it("on the embedded PGlite database", async () => {
    const database = await openDatabase({ dataDir: null });
    try {
      await migrate(await database.connect());
      await expectNoDrift(database);
    } finally {
      await database.close();
    }
  });

  it.skipIf(!usingPostgres)("on PostgreSQL", async () => {
    const database = await createTestDatabase();
    try {
      await expectNoDrift(database);
    } finally {
      await database.close();
    }
  });
});
