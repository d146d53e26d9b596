-- Reviews people can trust: helpful votes, reports, moderation, and rating figures kept exact.

-- A review's helpful votes and open reports (counted here so lists sort on them), and why an admin hid it.
ALTER TABLE "reviews"
    ADD COLUMN "helpful_count" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "report_count" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "hidden_reason" TEXT,
    ADD COLUMN "hidden_at" TIMESTAMPTZ(3);

-- Rating figures of products and shops from their visible reviews: the sum, the count per star, and a
-- Bayesian score for the rating sort (see modules/reviews/review-figures.ts). Written in the same
-- transaction as every review change.
ALTER TABLE "products"
    ADD COLUMN "rating_sum" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_1" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_2" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_3" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_4" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_5" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_score" DOUBLE PRECISION NOT NULL DEFAULT 3;
ALTER TABLE "shops"
    ADD COLUMN "rating_sum" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_1" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_2" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_3" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_4" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_5" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "rating_score" DOUBLE PRECISION NOT NULL DEFAULT 3;

CREATE TABLE "review_votes" (
    "review_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_votes_pkey" PRIMARY KEY ("review_id", "user_id")
);
CREATE INDEX "review_votes_user_id_idx" ON "review_votes"("user_id");
ALTER TABLE "review_votes" ADD CONSTRAINT "review_votes_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_votes" ADD CONSTRAINT "review_votes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "review_reports" (
    "id" TEXT NOT NULL,
    "review_id" TEXT NOT NULL,
    "reporter_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_reports_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "review_reports_review_id_reporter_id_key" ON "review_reports"("review_id", "reporter_id");
CREATE INDEX "review_reports_reporter_id_idx" ON "review_reports"("reporter_id");
ALTER TABLE "review_reports" ADD CONSTRAINT "review_reports_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_reports" ADD CONSTRAINT "review_reports_reporter_id_fkey" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The lists: a product's or a shop's visible reviews by each sort, the seller's newest, and the
-- moderation queue (reported first).
CREATE INDEX "reviews_product_id_status_helpful_count_created_at_idx" ON "reviews"("product_id", "status", "helpful_count" DESC, "created_at" DESC);
CREATE INDEX "reviews_product_id_status_rating_created_at_idx" ON "reviews"("product_id", "status", "rating", "created_at" DESC);
CREATE INDEX "reviews_report_count_created_at_idx" ON "reviews"("report_count" DESC, "created_at" DESC);
CREATE INDEX "reviews_author_id_created_at_idx" ON "reviews"("author_id", "created_at" DESC);
CREATE INDEX "products_status_rating_score_rating_count_id_idx" ON "products"("status", "rating_score" DESC, "rating_count" DESC, "id");

-- The figures of the reviews already there.
UPDATE "products" p SET
    "rating_count" = f."count", "rating_sum" = f."sum",
    "rating_avg" = CASE WHEN f."count" > 0 THEN f."sum"::float8 / f."count" ELSE 0 END,
    "rating_1" = f."r1", "rating_2" = f."r2", "rating_3" = f."r3", "rating_4" = f."r4", "rating_5" = f."r5",
    "rating_score" = (15 + f."sum")::float8 / (5 + f."count")
  FROM (SELECT "product_id", count(*)::int AS "count", sum("rating")::int AS "sum",
               count(*) FILTER (WHERE "rating" = 1)::int AS "r1", count(*) FILTER (WHERE "rating" = 2)::int AS "r2",
               count(*) FILTER (WHERE "rating" = 3)::int AS "r3", count(*) FILTER (WHERE "rating" = 4)::int AS "r4",
               count(*) FILTER (WHERE "rating" = 5)::int AS "r5"
          FROM "reviews" WHERE "status" = 'VISIBLE' AND "product_id" IS NOT NULL GROUP BY "product_id") f
 WHERE p."id" = f."product_id";
UPDATE "shops" s SET
    "rating_count" = f."count", "rating_sum" = f."sum",
    "rating_avg" = CASE WHEN f."count" > 0 THEN f."sum"::float8 / f."count" ELSE 0 END,
    "rating_1" = f."r1", "rating_2" = f."r2", "rating_3" = f."r3", "rating_4" = f."r4", "rating_5" = f."r5",
    "rating_score" = (15 + f."sum")::float8 / (5 + f."count")
  FROM (SELECT "shop_id", count(*)::int AS "count", sum("rating")::int AS "sum",
               count(*) FILTER (WHERE "rating" = 1)::int AS "r1", count(*) FILTER (WHERE "rating" = 2)::int AS "r2",
               count(*) FILTER (WHERE "rating" = 3)::int AS "r3", count(*) FILTER (WHERE "rating" = 4)::int AS "r4",
               count(*) FILTER (WHERE "rating" = 5)::int AS "r5"
          FROM "reviews" WHERE "status" = 'VISIBLE' AND "product_id" IS NULL GROUP BY "shop_id") f
 WHERE s."id" = f."shop_id";
