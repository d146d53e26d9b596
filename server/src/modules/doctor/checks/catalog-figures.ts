import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * Per product: the catalog's denormalised columns (kept by the variants' trigger, migration
 * 20261127020000_catalog_denormalized) are what its variants say: lowest and highest price (null
 * without variants) and whether one is in stock.
 */
export const catalogFigures: DoctorCheck = {
  name: "catalog-figures",
  description: "each product's min/max price and in-stock columns = its variants",
  run: (tx) =>
    tally(tx, Prisma.sql`
      SELECT p."id",
             p."min_price_cents" IS NOT DISTINCT FROM v."min_price" AND p."max_price_cents" IS NOT DISTINCT FROM v."max_price"
             AND p."in_stock" = COALESCE(v."in_stock", false) AS "ok"
        FROM "products" p
        LEFT JOIN (SELECT "product_id", min("price_cents") AS "min_price", max("price_cents") AS "max_price", bool_or("stock" > 0) AS "in_stock"
                     FROM "variants" GROUP BY "product_id") v ON v."product_id" = p."id"`),
};
