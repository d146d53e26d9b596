-- Sales rollups for the dashboards (admin.stats, seller.stats): one row per day × shop × currency
-- and per day × product × currency, the day taken in the platform's time zone (STATS_TIME_ZONE).
-- They are derived data: server/src/modules/stats/rollup-rebuilder.ts recomputes the rows whose
-- sources changed since its watermark, and rebuilds them all when the watermark is unset or the
-- time zone changed. Starting empty, the first run after this migration builds them in full.

CREATE TABLE "sales_daily" (
    "day" DATE NOT NULL,
    "shop_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    -- Seller orders placed that day, by their status now (a later cancellation moves the count).
    "placed_pending" INTEGER NOT NULL DEFAULT 0,
    "placed_paid" INTEGER NOT NULL DEFAULT 0,
    "placed_processing" INTEGER NOT NULL DEFAULT 0,
    "placed_shipped" INTEGER NOT NULL DEFAULT 0,
    "placed_delivered" INTEGER NOT NULL DEFAULT 0,
    "placed_cancelled" INTEGER NOT NULL DEFAULT 0,
    "placed_refunded" INTEGER NOT NULL DEFAULT 0,
    -- Money by the day the ledger booked it: sales when paid, refunds when refunded.
    "orders_paid" INTEGER NOT NULL DEFAULT 0,
    "units_paid" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "commission_cents" BIGINT NOT NULL DEFAULT 0,
    "refunds" INTEGER NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "commission_refund_cents" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "sales_daily_pkey" PRIMARY KEY ("day", "shop_id", "currency")
);
CREATE INDEX "sales_daily_shop_id_day_idx" ON "sales_daily"("shop_id", "day");

-- The same figures summed over every shop, per day × currency: the admin's totals and series
-- read a row per day instead of a row per shop and day.
CREATE TABLE "platform_sales_daily" (
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "placed_pending" INTEGER NOT NULL DEFAULT 0,
    "placed_paid" INTEGER NOT NULL DEFAULT 0,
    "placed_processing" INTEGER NOT NULL DEFAULT 0,
    "placed_shipped" INTEGER NOT NULL DEFAULT 0,
    "placed_delivered" INTEGER NOT NULL DEFAULT 0,
    "placed_cancelled" INTEGER NOT NULL DEFAULT 0,
    "placed_refunded" INTEGER NOT NULL DEFAULT 0,
    "orders_paid" INTEGER NOT NULL DEFAULT 0,
    "units_paid" INTEGER NOT NULL DEFAULT 0,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "commission_cents" BIGINT NOT NULL DEFAULT 0,
    "refunds" INTEGER NOT NULL DEFAULT 0,
    "refund_cents" BIGINT NOT NULL DEFAULT 0,
    "commission_refund_cents" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "platform_sales_daily_pkey" PRIMARY KEY ("day", "currency")
);

CREATE TABLE "product_sales_daily" (
    "day" DATE NOT NULL,
    "product_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "shop_id" TEXT NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 0,
    "revenue_cents" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "product_sales_daily_pkey" PRIMARY KEY ("day", "product_id", "currency")
);
CREATE INDEX "product_sales_daily_shop_id_day_idx" ON "product_sales_daily"("shop_id", "day");

-- The rebuilder's one row: the time zone the rollups were built in and how far they are current.
CREATE TABLE "stats_rollup_state" (
    "id" INTEGER NOT NULL,
    "time_zone" TEXT NOT NULL,
    "watermark" TIMESTAMPTZ(3),
    "rebuilt_at" TIMESTAMPTZ(3),
    CONSTRAINT "stats_rollup_state_pkey" PRIMARY KEY ("id")
);

-- What changed since the watermark, and the figures that do not come from rollups.
CREATE INDEX "seller_orders_updated_at_idx" ON "seller_orders"("updated_at");
CREATE INDEX "ledger_entries_created_at_idx" ON "ledger_entries"("created_at");
CREATE INDEX "orders_paid_at_buyer_id_idx" ON "orders"("paid_at", "buyer_id");
CREATE INDEX "reviews_created_at_idx" ON "reviews"("created_at");
