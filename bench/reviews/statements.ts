/**
 * The SQL the real server sends for `review.listProduct` and `review.createProduct`, copied
 * verbatim from what node-postgres received from Prisma's adapter and from `Database.read`
 * (printed by capture.ts, 2026-12-01, Prisma 7.10 with relationJoins). The raw server and the
 * EXPLAIN pass run these texts.
 */

/** catalog.service.ts isProductVisible, through Database.read: a listed product of an active shop. */
export const PRODUCT_VISIBLE = `
    SELECT 1 FROM "products" p JOIN "shops" s ON s."id" = p."shop_id"
    WHERE p."id" = $1 AND p."status" = 'ACTIVE' AND s."status" = 'ACTIVE'`;

const REVIEW_COLUMNS = `SELECT "t0"."id", "t0"."author_id" AS "authorId", "t0"."product_id" AS "productId", "t0"."rating", "t0"."title", "t0"."body", "t0"."created_at" AS "createdAt", "t0"."seller_order_id" AS "sellerOrderId", "t0"."helpful_count" AS "helpfulCount", "t0"."reply", "t0"."replied_at" AS "repliedAt", "Review_author"."__prisma_data__" AS "author" FROM "public"."reviews" AS "t0" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('name', "t1"."name") AS "__prisma_data__" FROM "public"."users" AS "t1" WHERE "t0"."author_id" = "t1"."id" LIMIT $1) AS "Review_author" ON true`;

/** review-lists.ts visibleList (Prisma findMany): params ["1", productId, "VISIBLE", String(limit + 1)]. */
export const LIST_NEWEST = `${REVIEW_COLUMNS} WHERE ("t0"."product_id" = $2 AND "t0"."status" = CAST($3::text AS "public"."ReviewStatus")) ORDER BY "t0"."created_at" DESC, "t0"."id" DESC LIMIT $4`;
/** … after a newest-first cursor: ["1", productId, "VISIBLE", t, t, id, String(limit + 1)]. */
export const LIST_NEWEST_AFTER = `${REVIEW_COLUMNS} WHERE ("t0"."product_id" = $2 AND "t0"."status" = CAST($3::text AS "public"."ReviewStatus") AND ("t0"."created_at" < $4 OR ("t0"."created_at" = $5 AND "t0"."id" < $6))) ORDER BY "t0"."created_at" DESC, "t0"."id" DESC LIMIT $7`;
/** … with a star filter: ["1", productId, "VISIBLE", rating, String(limit + 1)]. */
export const LIST_NEWEST_RATING = `${REVIEW_COLUMNS} WHERE ("t0"."product_id" = $2 AND "t0"."status" = CAST($3::text AS "public"."ReviewStatus") AND "t0"."rating" = $4) ORDER BY "t0"."created_at" DESC, "t0"."id" DESC LIMIT $5`;
/** … most helpful first: ["1", productId, "VISIBLE", String(limit + 1)]. */
export const LIST_HELPFUL = `${REVIEW_COLUMNS} WHERE ("t0"."product_id" = $2 AND "t0"."status" = CAST($3::text AS "public"."ReviewStatus")) ORDER BY "t0"."helpful_count" DESC, "t0"."created_at" DESC, "t0"."id" DESC LIMIT $4`;

/** review-figures.ts readFigures (Prisma findUnique): [productId, "1"]. */
export const FIGURES = `SELECT "t0"."id", "t0"."rating_avg" AS "ratingAvg", "t0"."rating_count" AS "ratingCount", "t0"."rating_1" AS "rating1", "t0"."rating_2" AS "rating2", "t0"."rating_3" AS "rating3", "t0"."rating_4" AS "rating4", "t0"."rating_5" AS "rating5" FROM "public"."products" AS "t0" WHERE ("t0"."id" = $1 AND 1=1) LIMIT $2`;

// ---- review.createProduct ----------------------------------------------------------------------

/** session.service.ts resolveSession (every signed-in request): [sha256(token)]. */
export const SESSION = `
    SELECT s."id", s."expires_at" AS "expiresAt", s."revoked_at" AS "revokedAt", s."last_seen_at" AS "lastSeenAt",
           json_build_object('id', u."id", 'email', u."email", 'name', u."name", 'role', u."role", 'status', u."status") AS "user"
    FROM "sessions" s JOIN "users" u ON u."id" = s."user_id"
    WHERE s."token_hash" = $1`;
export const PRODUCT_FOR_REVIEW = `SELECT "t0"."id", "t0"."shop_id" AS "shopId", "t0"."title" FROM "public"."products" AS "t0" WHERE ("t0"."id" = $1 AND 1=1) LIMIT $2`;
export const SHOP_FOR_REVIEW = `SELECT "t0"."id", "t0"."owner_id" AS "ownerId", "t0"."name" FROM "public"."shops" AS "t0" WHERE ("t0"."id" = $1 AND 1=1) LIMIT $2`;
/** In the transaction: the delivered seller order that entitles the buyer: [buyerId, shopId, productId]. */
export const ENTITLING_ORDER = `
    SELECT so."id" FROM "seller_orders" so JOIN "orders" o ON o."id" = so."order_id"
     WHERE o."buyer_id" = $1 AND so."shop_id" = $2 AND so."status" = 'DELIVERED'
       AND EXISTS (SELECT 1 FROM "order_items" oi WHERE oi."seller_order_id" = so."id" AND oi."product_id" = $3)
     ORDER BY so."delivered_at" DESC NULLS LAST LIMIT 1`;
export const INSERT_REVIEW = `INSERT INTO "public"."reviews" ("id","author_id","shop_id","product_id","seller_order_id","rating","title","body","status","helpful_count","report_count","created_at","updated_at") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,CAST($9::text AS "public"."ReviewStatus"),$10,$11,$12,$13) RETURNING "public"."reviews"."id", "public"."reviews"."author_id", "public"."reviews"."shop_id", "public"."reviews"."product_id", "public"."reviews"."created_at"`;
/** review-figures.ts moveFigures for one new review of `rating` stars (see figureParams). */
export const MOVE_FIGURES = `
    UPDATE "products" SET
      "rating_count" = "rating_count" + $1::int,
      "rating_sum" = "rating_sum" + $2::int,
      "rating_1" = "rating_1" + $3::int, "rating_2" = "rating_2" + $4::int, "rating_3" = "rating_3" + $5::int,
      "rating_4" = "rating_4" + $6::int, "rating_5" = "rating_5" + $7::int,
      "rating_avg" = CASE WHEN "rating_count" + $8::int > 0
                          THEN ("rating_sum" + $9::int)::float8 / ("rating_count" + $10::int) ELSE 0 END,
      "rating_score" = ($11::int + "rating_sum" + $12::int)::float8 / ($13::int + "rating_count" + $14::int)
     WHERE "id" = $15
     RETURNING "rating_avg" AS "ratingAvg", "rating_count" AS "ratingCount"`;
export const figureParams = (rating: number, productId: string) => [
  1, rating, ...[1, 2, 3, 4, 5].map((s) => (s === rating ? 1 : 0)), 1, rating, 1, 15, rating, 5, 1, productId,
];
export const INSERT_ACTIVITY = `
    INSERT INTO "activities" ("id", "kind", "actor_id", "subject_type", "subject_id", "summary", "data", "created_at")
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`;

export interface Statement {
  text: string;
  values: unknown[];
}

export interface ListInput {
  productId: string;
  rating?: number;
  sort?: string;
  cursor?: string;
  limit?: number;
}

/**
 * The statements of one review.listProduct call, as the server builds them, for the benchmarked
 * shapes (newest or helpful; a star filter; a newest-first cursor): the visibility check (first),
 * then the page and, without a cursor, the figures (together). Cursor decoding without zod.
 */
export function listStatements(input: ListInput): { visible: Statement; page: Statement; figures: Statement | null } {
  const limit = input.limit ?? 10;
  const sort = input.sort ?? "newest";
  if (typeof input.productId !== "string" || (sort !== "newest" && sort !== "helpful") || (input.cursor && (sort !== "newest" || input.rating))) {
    throw new Error("only the benchmarked shapes");
  }
  const take = String(limit + 1);
  let page: Statement;
  if (input.cursor) {
    const c = JSON.parse(Buffer.from(input.cursor, "base64url").toString("utf8")) as { t: number; id: string };
    const t = new Date(c.t);
    page = { text: LIST_NEWEST_AFTER, values: ["1", input.productId, "VISIBLE", t, t, c.id, take] };
  } else if (input.rating) {
    page = { text: LIST_NEWEST_RATING, values: ["1", input.productId, "VISIBLE", input.rating, take] };
  } else {
    page = { text: sort === "helpful" ? LIST_HELPFUL : LIST_NEWEST, values: ["1", input.productId, "VISIBLE", take] };
  }
  return {
    visible: { text: PRODUCT_VISIBLE, values: [input.productId] },
    page,
    figures: input.cursor ? null : { text: FIGURES, values: [input.productId, "1"] },
  };
}
