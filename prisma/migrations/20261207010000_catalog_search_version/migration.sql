-- The catalog's search version: a number that moves whenever anything a search answer is made of
-- may have changed (products, and through the variants trigger their prices and stock; shops;
-- categories). The search keeps the first pages of queries (ids in order, and their facets) in a
-- cache shared by users and processes, each entry with the version it was computed at, and the
-- statement that reads an entry's cards reads the current version with them: an entry whose
-- version has moved is thrown away and the search computed afresh (catalog-result-cache.ts).
--
-- A sequence, not a counter row: nextval takes no lock and is not rolled back, so writers never
-- wait on one another here, and a rolled-back write costs no more than one needless recount.
-- Statement-level triggers: one bump per statement, however many rows it touches (also none: the
-- variants trigger's UPDATE of a product whose figures did not move still bumps, which is
-- harmless). Sequence values are never 0; the first is taken here so that `last_value` (which
-- reads 1 both before and after the first nextval) always names a version that was handed out.

CREATE SEQUENCE "catalog_search_version";
SELECT nextval('"catalog_search_version"');

CREATE FUNCTION "catalog_search_changed"() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM nextval('"catalog_search_version"');
    RETURN NULL;
END
$$;

CREATE TRIGGER "products_catalog_search_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "products"
    FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();

CREATE TRIGGER "shops_catalog_search_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "shops"
    FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();

CREATE TRIGGER "categories_catalog_search_version"
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "categories"
    FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();
