-- What the admin's dashboard reads for a long period, made cheaper (rollup-queries.ts, admin-stats.service.ts).

-- A shop's months in a row of the index, with the figures the rankings bound a shop by: the top-10
-- rankings sum the months of each shop that may reach the 10th, one index range per shop read
-- from the index alone (they summed every shop's months of the span before).
CREATE INDEX "shop_sales_monthly_shop_cover_idx" ON "shop_sales_monthly"("currency", "shop_id", "month", "gross_cents", "top_product_cents");

-- paying_buyers_daily OR-ed per month (the month of the local day), derived like it by the
-- rebuilder: the paying buyers of a span read a row per chunk for each whole month it covers and
-- the days only at its ends (90 days: about 30 rows per chunk instead of 90).
CREATE TABLE "paying_buyers_monthly" (
    "month" DATE NOT NULL,
    "chunk" INTEGER NOT NULL,
    "buyers" BIT(8192) NOT NULL,
    CONSTRAINT "paying_buyers_monthly_pkey" PRIMARY KEY ("month", "chunk")
);

-- Its rows from the daily bitmaps as they are (the rebuilder keeps them from now on).
INSERT INTO "paying_buyers_monthly" ("month", "chunk", "buyers")
SELECT date_trunc('month', "day")::date, "chunk", bit_or("buyers") FROM "paying_buyers_daily" GROUP BY 1, 2;
