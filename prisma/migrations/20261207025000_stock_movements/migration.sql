-- The stock movement history: one row per change of a variant's stock, with its reason, written in
-- the same transaction (and, on the checkout's hot path, the same statement) as the change. The
-- sum of a variant's deltas is its stock, and the units its supply rows (SEED, SELLER_EDIT) add up
-- to are its stock plus the units its live orders hold: `pnpm doctor` proves both for every
-- variant (server/src/modules/doctor/checks/stock-conservation.ts).
--
-- seller_order_id: the seller order that took (ORDER) or gave back (CANCEL, EXPIRY, REFUND) the
-- units; null for SEED and SELLER_EDIT.

CREATE TYPE "StockReason" AS ENUM ('SEED', 'SELLER_EDIT', 'ORDER', 'CANCEL', 'EXPIRY', 'REFUND');

CREATE TABLE "stock_movements" (
    "id" BIGSERIAL NOT NULL,
    "variant_id" TEXT NOT NULL,
    "seller_order_id" TEXT,
    "reason" "StockReason" NOT NULL,
    "delta" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_movements_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stock_movements_delta_check" CHECK ("delta" <> 0)
);

CREATE INDEX "stock_movements_variant_id_idx" ON "stock_movements"("variant_id");
CREATE INDEX "stock_movements_seller_order_id_idx" ON "stock_movements"("seller_order_id");

ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_variant_id_fkey"
    FOREIGN KEY ("variant_id") REFERENCES "variants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_seller_order_id_fkey"
    FOREIGN KEY ("seller_order_id") REFERENCES "seller_orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A database from before this history: each variant starts it with what it holds now and what
-- its live orders hold (as SEED), and each seller order with the units it took and, cancelled or
-- refunded, gave back; from here on every change writes its own row.
INSERT INTO "stock_movements" ("variant_id", "reason", "delta")
SELECT v."id", 'SEED', (v."stock" + COALESCE(h."held", 0))::int
  FROM "variants" v
  LEFT JOIN (SELECT oi."variant_id", sum(oi."quantity") AS "held"
               FROM "order_items" oi JOIN "seller_orders" so ON so."id" = oi."seller_order_id"
              WHERE so."status" NOT IN ('CANCELLED', 'REFUNDED')
              GROUP BY oi."variant_id") h ON h."variant_id" = v."id"
 WHERE v."stock" + COALESCE(h."held", 0) <> 0;
INSERT INTO "stock_movements" ("variant_id", "seller_order_id", "reason", "delta")
SELECT oi."variant_id", oi."seller_order_id", 'ORDER', -sum(oi."quantity")::int
  FROM "order_items" oi GROUP BY oi."variant_id", oi."seller_order_id";
INSERT INTO "stock_movements" ("variant_id", "seller_order_id", "reason", "delta")
SELECT oi."variant_id", oi."seller_order_id",
       CASE WHEN so."status" = 'REFUNDED' THEN 'REFUND'::"StockReason" ELSE 'CANCEL'::"StockReason" END, sum(oi."quantity")::int
  FROM "order_items" oi JOIN "seller_orders" so ON so."id" = oi."seller_order_id"
 WHERE so."status" IN ('CANCELLED', 'REFUNDED')
 GROUP BY oi."variant_id", oi."seller_order_id", so."status";
