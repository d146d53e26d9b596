-- Catalog search without per-request variant aggregates: each product carries its lowest and
-- highest variant price and whether any variant is in stock, kept right by a trigger on variants.
-- Facets, the price sort and the price and stock filters read these columns instead of grouping
-- every variant on every request, and the price sort walks an index.
--
-- min_price_cents / max_price_cents: NULL when the product has no variant (it is then not listed).
-- in_stock: some variant has stock > 0.

ALTER TABLE "products" ADD COLUMN "min_price_cents" INTEGER;
ALTER TABLE "products" ADD COLUMN "max_price_cents" INTEGER;
ALTER TABLE "products" ADD COLUMN "in_stock" BOOLEAN NOT NULL DEFAULT false;

UPDATE "products" p
   SET "min_price_cents" = a."min_price", "max_price_cents" = a."max_price", "in_stock" = a."in_stock"
  FROM (SELECT "product_id", min("price_cents") AS "min_price", max("price_cents") AS "max_price",
               bool_or("stock" > 0) AS "in_stock"
          FROM "variants" GROUP BY "product_id") a
 WHERE a."product_id" = p."id";

-- The price sort (and price_desc, read backwards), the "under N" price filter and the deep pages
-- of both: (status, min_price_cents, id) in the sort's own order.
CREATE INDEX "products_status_min_price_cents_id_idx" ON "products"("status", "min_price_cents", "id");

-- Recomputes one product's figures from its variants.
--
-- Concurrency: the product row is locked first (FOR NO KEY UPDATE, which does not block the
-- foreign-key checks of order lines referencing the product), and the figures are computed by the
-- next statement, whose snapshot (READ COMMITTED) then includes every committed change of a
-- transaction that held the lock before. Every variant change that can move a figure goes through
-- here (see the triggers below), so two transactions emptying the last two in-stock variants of a
-- product at the same time cannot both leave `in_stock` true.
--
-- The triggers are deferred to the commit: a checkout takes its variant rows in id order, and
-- only then, holding all of them, the product rows. Locking the product as each variant changed
-- would deadlock two checkouts that share a product (one holds variant 1 and the product and wants
-- variant 2; the other holds variant 2 and waits for the product).
CREATE FUNCTION "catalog_refresh_product_figures"("pid" TEXT) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM 1 FROM "products" WHERE "id" = "pid" FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN; -- being deleted (the cascade to its variants), or gone
    END IF;
    UPDATE "products" p
       SET "min_price_cents" = a."min_price", "max_price_cents" = a."max_price", "in_stock" = a."in_stock"
      FROM (SELECT min(v."price_cents") AS "min_price", max(v."price_cents") AS "max_price",
                   coalesce(bool_or(v."stock" > 0), false) AS "in_stock"
              FROM "variants" v WHERE v."product_id" = "pid") a
     WHERE p."id" = "pid"
       AND (p."min_price_cents", p."max_price_cents", p."in_stock") IS DISTINCT FROM (a."min_price", a."max_price", a."in_stock");
END
$$;

CREATE FUNCTION "catalog_variants_changed"() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM "catalog_refresh_product_figures"(OLD."product_id");
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."product_id" IS DISTINCT FROM OLD."product_id") THEN
        PERFORM "catalog_refresh_product_figures"(NEW."product_id");
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "variants_catalog_figures_insert_delete"
    AFTER INSERT OR DELETE ON "variants"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "catalog_variants_changed"();

-- A stock change that keeps the variant on the same side of zero (most checkouts) moves no figure:
-- the WHEN clause skips it without queueing the function or touching the product row.
CREATE CONSTRAINT TRIGGER "variants_catalog_figures_update"
    AFTER UPDATE OF "product_id", "price_cents", "stock" ON "variants"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD."product_id" IS DISTINCT FROM NEW."product_id"
       OR OLD."price_cents" IS DISTINCT FROM NEW."price_cents"
       OR (OLD."stock" > 0) IS DISTINCT FROM (NEW."stock" > 0))
    EXECUTE FUNCTION "catalog_variants_changed"();
