import type { Tx } from "../client.ts";

/**
 * The seed's writes as set-based statements: each table's rows travel as one JSON parameter that
 * `json_populate_recordset` turns into the table's own row type, so a table is one INSERT … SELECT
 * (one per shape of row: a row without an optional field leaves that column to its default, as
 * Prisma's createMany does). Measured here, 156 products took 2–4× as long through createMany,
 * which binds every field of every row as its own parameter, on the embedded PGlite.
 */

/** The column a field is mapped to (the schema's `@map`): "minPriceCents" → "min_price_cents", "rating1" → "rating_1". */
export function columnOf(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/(?<=[a-z])(\d+)/g, "_$1");
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The columns of each of these tables, to refuse a field that maps to none (JSON would drop it silently). */
export async function tableColumns(tx: Tx, tables: string[]): Promise<Map<string, Set<string>>> {
  const rows = await tx.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`,
    tables,
  );
  const columns = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of rows) columns.get(r.table_name)?.add(r.column_name);
  return columns;
}

/** Inserts `rows` (Prisma field names, as for createMany) into `table`. */
export async function insertRows(tx: Tx, table: string, rows: readonly object[], columns: Set<string>): Promise<void> {
  const shapes = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(row)) {
      if (value === undefined) continue;
      const column = columnOf(field);
      if (!columns.has(column)) throw new Error(`seed: ${table} has no column ${column} (field ${field})`);
      record[column] = value;
    }
    const shape = Object.keys(record).join(",");
    shapes.set(shape, [...(shapes.get(shape) ?? []), record]);
  }
  for (const [shape, records] of shapes) {
    const list = shape.split(",").map(quote).join(", ");
    await tx.$executeRawUnsafe(
      `INSERT INTO ${quote(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`,
      JSON.stringify(records),
    );
  }
}
