import type pg from "pg";
import type { Db } from "../../server/src/db/client.ts";
import { Prisma } from "../../server/src/generated/prisma/client.ts";

/**
 * The raw baseline's database handle: node-postgres in place of Prisma, for the dashboards'
 * services. `$queryRaw` sends the very statement text and values the services build (Prisma.sql
 * renders `$1…` placeholders), so ours and raw run the same SQL; the few Prisma model calls the
 * services make are written here as the one statement each (what Prisma sends, without its
 * query building and result mapping). Anything else throws: raw must not silently do less.
 */
export function pgDb(pool: pg.Pool): Db {
  const rows = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[];
  const count = async (text: string, values: unknown[] = []) => Number((await rows<{ n: string }>(text, values))[0]!.n);
  const unsupported = (what: string) => () => {
    throw new Error(`raw: ${what} is not part of the dashboards' statements`);
  };
  const db = {
    $queryRaw: <T>(strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
      const sql = strings instanceof Prisma.Sql ? strings : Prisma.sql(strings, ...values);
      return rows<T>(sql.text, sql.values);
    },
    $transaction: unsupported("a transaction (the rollup rebuilder)"),
    ledgerEntry: {
      aggregate: async ({ where }: { where: { shopId: string; currency: string } }) => {
        const [r] = await rows<{ s: string | null }>(`SELECT sum("amount_cents") AS s FROM "ledger_entries" WHERE "shop_id" = $1 AND "currency" = $2`, [where.shopId, where.currency]);
        return { _sum: { amountCents: r?.s == null ? null : Number(r.s) } };
      },
    },
    sellerOrder: {
      count: ({ where }: { where: { shopId: string; status: { in: string[] } } }) =>
        count(`SELECT count(*) AS n FROM "seller_orders" WHERE "shop_id" = $1 AND "status" = ANY($2::"OrderStatus"[])`, [where.shopId, where.status.in]),
      findMany: async ({ where, take }: { where: { shopId: string; status: { in: string[] } }; take: number }) =>
        rows(
          `SELECT "id", "status", "subtotal_cents" AS "subtotalCents", "currency", "created_at" AS "createdAt" FROM "seller_orders"
            WHERE "shop_id" = $1 AND "status" = ANY($2::"OrderStatus"[]) ORDER BY "created_at" ASC LIMIT $3`,
          [where.shopId, where.status.in, take],
        ),
    },
    session: {
      update: async ({ where, data }: { where: { id: string }; data: { lastSeenAt: Date } }) =>
        (await rows(`UPDATE "sessions" SET "last_seen_at" = $2 WHERE "id" = $1 RETURNING "id"`, [where.id, data.lastSeenAt]))[0],
    },
  };
  return db as unknown as Db;
}
