import type { Db } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { csvLine, Money } from "./csv.ts";
import type { ResolvedPeriod } from "./period.ts";
import { inSpan } from "./rollup-queries.ts";

/** Rows read per query: an export of any size holds one batch in memory at a time. */
const BATCH = 1000;

interface LineItemRow {
  soId: string;
  itemId: string;
  orderId: string;
  placedAt: Date;
  paidAt: Date | null;
  status: string;
  shopName: string;
  buyerName: string;
  productTitle: string;
  variantTitle: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
  currency: string;
}

const ORDER_HEADER = ["order_id", "seller_order_id", "placed_at", "paid_at", "status", "shop", "buyer", "product", "variant", "sku", "quantity", "unit_price", "line_total", "currency"];

/**
 * The line items of seller orders placed in the period (of one shop, or every shop), one CSV line
 * each, streamed: read in keyset batches of BATCH ordered by (seller order, item), so an export
 * never holds more than a batch and the rows do not move under it as new orders arrive.
 */
export async function* orderLinesCsv(db: Db, period: ResolvedPeriod, shopId: string | null, batch = BATCH): AsyncGenerator<string> {
  yield csvLine(ORDER_HEADER);
  let after: { soId: string; itemId: string } | null = null;
  for (;;) {
    const rows: LineItemRow[] = await db.$queryRaw<LineItemRow[]>`
      SELECT so."id" AS "soId", oi."id" AS "itemId", so."order_id" AS "orderId", so."created_at" AS "placedAt", o."paid_at" AS "paidAt",
             so."status"::text AS "status", s."name" AS "shopName", u."name" AS "buyerName", oi."product_title" AS "productTitle",
             oi."variant_title" AS "variantTitle", oi."sku", oi."quantity", oi."unit_price_cents" AS "unitPriceCents",
             oi."line_total_cents" AS "lineTotalCents", so."currency"
        FROM "seller_orders" so
        JOIN "orders" o ON o."id" = so."order_id"
        JOIN "users" u ON u."id" = o."buyer_id"
        JOIN "shops" s ON s."id" = so."shop_id"
        JOIN "order_items" oi ON oi."seller_order_id" = so."id"
       WHERE ${inSpan(`so."created_at"`, period, period.timeZone)}
         AND ${shopId === null ? Prisma.sql`TRUE` : Prisma.sql`so."shop_id" = ${shopId}`}
         AND ${after ? Prisma.sql`(so."id", oi."id") > (${after.soId}, ${after.itemId})` : Prisma.sql`TRUE`}
       ORDER BY so."id", oi."id"
       LIMIT ${batch}`;
    let chunk = "";
    for (const r of rows) {
      const currency = r.currency.trim();
      chunk += csvLine([r.orderId, r.soId, r.placedAt, r.paidAt, r.status, r.shopName, r.buyerName, r.productTitle, r.variantTitle, r.sku, r.quantity, new Money(r.unitPriceCents, currency), new Money(r.lineTotalCents, currency), currency]);
    }
    if (chunk) yield chunk;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { soId: last.soId, itemId: last.itemId };
  }
}

interface LedgerRow {
  id: string;
  createdAt: Date;
  shopName: string;
  shopId: string;
  sellerOrderId: string;
  kind: string;
  amountCents: number;
  currency: string;
}

/** The ledger's entries booked in the period, every shop, oldest first; streamed like the orders. */
export async function* ledgerCsv(db: Db, period: ResolvedPeriod, batch = BATCH): AsyncGenerator<string> {
  yield csvLine(["entry_id", "booked_at", "shop_id", "shop", "seller_order_id", "kind", "amount", "currency"]);
  let after: string | null = null;
  for (;;) {
    const rows: LedgerRow[] = await db.$queryRaw<LedgerRow[]>`
      SELECT le."id", le."created_at" AS "createdAt", s."name" AS "shopName", le."shop_id" AS "shopId",
             le."seller_order_id" AS "sellerOrderId", le."kind"::text AS "kind", le."amount_cents" AS "amountCents", le."currency"
        FROM "ledger_entries" le JOIN "shops" s ON s."id" = le."shop_id"
       WHERE ${inSpan(`le."created_at"`, period, period.timeZone)} AND ${after ? Prisma.sql`le."id" > ${after}` : Prisma.sql`TRUE`}
       ORDER BY le."id"
       LIMIT ${batch}`;
    let chunk = "";
    for (const r of rows) {
      const currency = r.currency.trim();
      chunk += csvLine([r.id, r.createdAt, r.shopId, r.shopName, r.sellerOrderId, r.kind, new Money(r.amountCents, currency), currency]);
    }
    if (chunk) yield chunk;
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.id;
  }
}
