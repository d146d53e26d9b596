-- Orders and payments: the price a cart line was added at (to warn when it changes), flagged
-- orders (a payment that did not match), refunds on payments, and each shop's ledger.

ALTER TABLE "cart_items" ADD COLUMN "added_price_cents" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "orders" ADD COLUMN "flagged_reason" TEXT;

ALTER TABLE "payments" ADD COLUMN "failure_reason" TEXT;
ALTER TABLE "payments" ADD COLUMN "refunded_cents" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "payments" ADD CONSTRAINT "payments_refund_within_amount" CHECK ("refunded_cents" >= 0 AND "refunded_cents" <= "amount_cents");

ALTER TABLE "order_items" ADD CONSTRAINT "order_items_unit_price_nonnegative" CHECK ("unit_price_cents" >= 0);

CREATE TYPE "LedgerKind" AS ENUM ('SALE', 'COMMISSION', 'REFUND', 'COMMISSION_REFUND');

-- A shop's money, entry by entry, signed from the shop's side: a sale is +subtotal, the
-- platform's commission -fee, a refund -subtotal, the commission given back +fee. One entry of a
-- kind per seller order, so a sale or a refund can never be booked twice.
CREATE TABLE "ledger_entries" (
    "id" TEXT NOT NULL,
    "shop_id" TEXT NOT NULL,
    "seller_order_id" TEXT NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL DEFAULT 'USD',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ledger_entries_seller_order_id_kind_key" ON "ledger_entries"("seller_order_id", "kind");
CREATE INDEX "ledger_entries_shop_id_created_at_idx" ON "ledger_entries"("shop_id", "created_at" DESC);
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_seller_order_id_fkey" FOREIGN KEY ("seller_order_id") REFERENCES "seller_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
