-- Coarser rollups for long dashboard periods, derived like the daily ones (rollup-rebuilder.ts).

-- Sales per month × shop × currency: sales_daily and product_sales_daily summed by month (the month of the local day).
-- Ranking the shops (and, through them, the products) of a 90-day period reads the few shops
-- that may rank instead of every day × shop row; see rollup-queries.ts (topShops).
CREATE TABLE "shop_sales_monthly" (
    "month" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "shop_id" TEXT NOT NULL,
    "gross_cents" BIGINT NOT NULL DEFAULT 0,
    "units_paid" INTEGER NOT NULL DEFAULT 0,
    -- The most any one product of the shop sold that month (product_sales_daily's revenue).
    "top_product_cents" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "shop_sales_monthly_pkey" PRIMARY KEY ("currency", "month", "shop_id")
);

-- A month's shops from the most sold down, by gross and by best product (the rankings' probes
-- and their "may reach t / k" ranges), read from the index alone.
CREATE INDEX "shop_sales_monthly_gross_idx" ON "shop_sales_monthly"("currency", "month", "gross_cents" DESC, "shop_id");
CREATE INDEX "shop_sales_monthly_top_product_idx" ON "shop_sales_monthly"("currency", "month", "top_product_cents" DESC, "shop_id");

-- A shop's day rows of a period, read from the index alone (the candidates of a top-10 ranking,
-- the top lists' sparklines).
CREATE INDEX "sales_daily_shop_cover_idx" ON "sales_daily"("shop_id", "currency", "day", "gross_cents", "units_paid");
CREATE INDEX "product_sales_daily_shop_cover_idx" ON "product_sales_daily"("shop_id", "currency", "day", "product_id", "revenue_cents", "units");

-- A small dense number per buyer who ever paid, so that the paying buyers of a day fit a bitmap.
CREATE TABLE "stats_buyer_numbers" (
    "buyer_id" TEXT NOT NULL,
    "buyer_no" INTEGER NOT NULL,
    CONSTRAINT "stats_buyer_numbers_pkey" PRIMARY KEY ("buyer_id")
);
CREATE UNIQUE INDEX "stats_buyer_numbers_buyer_no_key" ON "stats_buyer_numbers"("buyer_no");

-- The buyers with an order paid on a day (local day of orders.paid_at), as bitmaps of 8,192
-- buyer numbers each ("chunk" n holds numbers n*8192 … n*8192+8191, bit i for number n*8192+i).
-- The exact number of distinct paying buyers of any span is, per chunk, the set bits of the OR
-- of its days' bitmaps: 90 days of 50,000 buyers read 90 × 7 rows of 1 KiB.
CREATE TABLE "paying_buyers_daily" (
    "day" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "buyers" BIT(8192) NOT NULL,
    CONSTRAINT "paying_buyers_daily_pkey" PRIMARY KEY ("day", "chunk")
);

-- The seller dashboard's balance: the sum of a shop's ledger in a currency, read from the index alone.
CREATE INDEX "ledger_entries_shop_id_currency_amount_cents_idx" ON "ledger_entries"("shop_id", "currency", "amount_cents");

-- Built in full by the next rebuilder run: forget the watermark so that it runs in full.
UPDATE "stats_rollup_state" SET "watermark" = NULL;
