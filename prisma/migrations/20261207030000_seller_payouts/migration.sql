-- Seller payouts through Stripe Connect (modules/payouts): each shop's connected account, one
-- transfer per seller order (written PENDING with its amount before the provider is asked, PAID
-- with its PAYOUT ledger line in one transaction after), and disputes that hold payouts back.

ALTER TYPE "LedgerKind" ADD VALUE 'PAYOUT';
ALTER TYPE "LedgerKind" ADD VALUE 'PAYOUT_REVERSAL';

CREATE TYPE "PayoutTransferStatus" AS ENUM ('PENDING', 'PAID', 'FAILED');
CREATE TYPE "PayoutReversalStatus" AS ENUM ('PENDING', 'REVERSED', 'FAILED');
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'WON', 'LOST');

CREATE TABLE "payout_accounts" (
    "shop_id" TEXT NOT NULL,
    "provider" "PaymentProvider" NOT NULL,
    "account_ref" TEXT NOT NULL,
    "charges_enabled" BOOLEAN NOT NULL DEFAULT false,
    "payouts_enabled" BOOLEAN NOT NULL DEFAULT false,
    "details_submitted" BOOLEAN NOT NULL DEFAULT false,
    "requirements" JSONB NOT NULL DEFAULT '[]',
    "disabled_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "payout_accounts_pkey" PRIMARY KEY ("shop_id")
);
CREATE UNIQUE INDEX "payout_accounts_account_ref_key" ON "payout_accounts"("account_ref");
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "payout_transfers" (
    "id" TEXT NOT NULL,
    "seller_order_id" TEXT NOT NULL,
    "shop_id" TEXT NOT NULL,
    "account_ref" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PayoutTransferStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "provider_ref" TEXT,
    "source_ref" TEXT,
    "transfer_group" TEXT NOT NULL,
    "failure_reason" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "paid_at" TIMESTAMPTZ(3),
    "reversal_status" "PayoutReversalStatus",
    "reversal_cents" INTEGER NOT NULL DEFAULT 0,
    "reversal_ref" TEXT,
    "reversal_failure" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "payout_transfers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payout_transfers_amount_not_negative" CHECK ("amount_cents" >= 0),
    CONSTRAINT "payout_transfers_reversal_within_amount" CHECK ("reversal_cents" >= 0 AND "reversal_cents" <= "amount_cents")
);
CREATE UNIQUE INDEX "payout_transfers_seller_order_id_key" ON "payout_transfers"("seller_order_id");
CREATE UNIQUE INDEX "payout_transfers_provider_ref_key" ON "payout_transfers"("provider_ref");
CREATE INDEX "payout_transfers_status_idx" ON "payout_transfers"("status");
CREATE INDEX "payout_transfers_reversal_status_idx" ON "payout_transfers"("reversal_status");
CREATE INDEX "payout_transfers_shop_id_created_at_idx" ON "payout_transfers"("shop_id", "created_at" DESC);
ALTER TABLE "payout_transfers" ADD CONSTRAINT "payout_transfers_seller_order_id_fkey" FOREIGN KEY ("seller_order_id") REFERENCES "seller_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "payout_transfers" ADD CONSTRAINT "payout_transfers_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "payment_disputes" (
    "id" TEXT NOT NULL,
    "provider_ref" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'OPEN',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),
    CONSTRAINT "payment_disputes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "payment_disputes_provider_ref_key" ON "payment_disputes"("provider_ref");
CREATE INDEX "payment_disputes_order_id_status_idx" ON "payment_disputes"("order_id", "status");
ALTER TABLE "payment_disputes" ADD CONSTRAINT "payment_disputes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
