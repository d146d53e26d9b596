-- A product's images are part of what a search answer shows (each card's first image), so
-- writing them moves the catalog's search version too (20261207010000_catalog_search_version):
-- the whole answers the server keeps per version (catalog-answer-cache.ts) are then never
-- older than the images they show. One bump per statement, as for products, shops and categories.

CREATE TRIGGER "product_images_catalog_search_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "product_images"
    FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();
