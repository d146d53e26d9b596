-- Catalog search (catalog.search, catalog.categories): typo tolerance with pg_trgm, and the
-- indexes the catalog's filters, sorts and variant aggregates use. Index names follow Prisma's
-- defaults so that schema.prisma (which mirrors every index here) and this file agree.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Fuzzy title matching (`word <% title`) when full-text search finds too little.
CREATE INDEX "products_title_idx" ON "products" USING GIN ("title" gin_trgm_ops);
-- The shop filter.
CREATE INDEX "products_shop_id_idx" ON "products"("shop_id");
-- The rating sort: rating_avg desc, rating_count desc, id.
CREATE INDEX "products_status_rating_avg_rating_count_id_idx" ON "products"("status", "rating_avg" DESC, "rating_count" DESC, "id");
-- Per-product variant aggregates (lowest price, in stock, a variant within a price range),
-- answered from the index alone.
CREATE INDEX "variants_product_id_price_cents_stock_idx" ON "variants"("product_id", "price_cents", "stock");

-- Typo-tolerant title matching: the products whose title is close to EVERY one of `words` (for
-- each word, pg_trgm word similarity >= 0.4 with some part of the title), each with a score: the
-- mean of those similarities. A function for two reasons: its SET clause lowers pg_trgm's
-- threshold (default 0.6; one wrong letter in a six-letter word, "beenie", scores about 0.4) for
-- this call only; and its dynamic SQL gives the planner one `<%` condition per word, so the GIN
-- index above intersects the words' matches (BitmapAnd) before any row is read. The words are
-- quoted with format('%L'). Not parallel safe: a function with a SET clause cannot run in
-- parallel mode.
CREATE FUNCTION "catalog_fuzzy_title_matches"("words" TEXT[])
RETURNS TABLE ("product_id" TEXT, "score" DOUBLE PRECISION)
LANGUAGE plpgsql STABLE
SET pg_trgm.word_similarity_threshold = 0.4
AS $$
DECLARE
    matches TEXT;
    scores TEXT;
BEGIN
    IF coalesce(cardinality("words"), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%L <%% p."title"', w), ' AND '),
           string_agg(format('word_similarity(%L, p."title")', w), ' + ')
      INTO matches, scores
      FROM unnest("words") AS w;
    RETURN QUERY EXECUTE format(
        'SELECT p."id", ((%s) / %s)::double precision FROM "products" p WHERE %s',
        scores, cardinality("words"), matches);
END
$$;
