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

-- Typo-tolerant title matching, for when full-text search finds too little: the visible products
-- (ACTIVE, of an ACTIVE shop) whose title has, for EVERY one of `words`, a word close to it
-- (pg_trgm strict word similarity >= 0.4), each with a score: the mean over the words of their
-- similarity to the title. When fewer than `enough` products match every word, the products
-- matching at least one word follow (those matching more words score higher), so that
-- "stonewear mug" in a shop without stoneware mugs still shows its mugs.
--
-- Strict word similarity compares whole words: "beenie" is 0.4 from "beanie" but 0.25 from
-- "beeswax" (plain word_similarity rates both 0.43 and 0.4, the wrong way round).
--
-- A function for two reasons: its SET clause lowers pg_trgm's threshold (default 0.5) for this
-- call only; and its dynamic SQL gives the planner one `<<%` condition per word, so that the GIN
-- trigram index intersects (or unites) the words' matches before any row is read. The words are
-- quoted with format('%L'). Not parallel safe: a function with a SET clause cannot run in
-- parallel mode.
CREATE FUNCTION "catalog_fuzzy_title_matches"("words" TEXT[], "enough" INTEGER)
RETURNS TABLE ("product_id" TEXT, "score" DOUBLE PRECISION)
LANGUAGE plpgsql STABLE
SET pg_trgm.strict_word_similarity_threshold = 0.4
AS $$
DECLARE
    every_word TEXT;
    any_word TEXT;
    scores TEXT;
    found INTEGER;
    query CONSTANT TEXT := 'SELECT p."id", ((%s) / %s)::double precision
        FROM "products" p JOIN "shops" s ON s."id" = p."shop_id"
        WHERE p."status" = ''ACTIVE'' AND s."status" = ''ACTIVE'' AND %s';
BEGIN
    IF coalesce(cardinality("words"), 0) = 0 THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%L <<%% p."title"', w), ' AND '),
           string_agg(format('%L <<%% p."title"', w), ' OR '),
           string_agg(format('strict_word_similarity(%L, p."title")', w), ' + ')
      INTO every_word, any_word, scores
      FROM unnest("words") AS w;
    RETURN QUERY EXECUTE format(query, scores, cardinality("words"), every_word);
    GET DIAGNOSTICS found = ROW_COUNT;
    IF found < "enough" AND cardinality("words") > 1 THEN
        RETURN QUERY EXECUTE format(query, scores, cardinality("words"),
            format('(%s) AND NOT (%s)', any_word, every_word));
    END IF;
END
$$;
