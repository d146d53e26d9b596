/**
 * The SQL the real server sends for `review.listProduct` and `review.createProduct`, copied
 * verbatim from what node-postgres received from Prisma's adapter and from `Database.read`
 * (printed by capture.ts, 2026-12-01, Prisma 7.10 with relationJoins). The raw server and the
 * EXPLAIN pass run these texts; run.ts also checks that both servers answer alike.
 */

/** catalog.service.ts isProductVisible, through Database.read: a listed product of an active shop. */
export const PRODUCT_VISIBLE = `
    SELECT 1 FROM "products" p JOIN "shops" s ON s."id" = p."shop_id"
    WHERE p."id" = $1 AND p."status" = 'ACTIVE' AND s."status" = 'ACTIVE'`;

/**
 * review-lists.ts visibleList, through Database.read (hand-written since 2026-12-01; before, Prisma's
 * findMany sent a LEFT JOIN LATERAL of JSONB_BUILD_OBJECT('name', …) with the same WHERE and ORDER
 * BY: see the git history of this file). `filter` is what the input adds to the WHERE.
 */
const page = (filter: string, order: string, limitParam: number) => `
    SELECT r."id", r."author_id" AS "authorId", r."rating", r."title", r."body", r."created_at" AS "createdAt",
           r."seller_order_id" AS "sellerOrderId", r."helpful_count" AS "helpfulCount", r."reply", r."replied_at" AS "repliedAt",
           u."name" AS "authorName"
      FROM "reviews" r JOIN "users" u ON u."id" = r."author_id"
     WHERE r."product_id" = $1 AND r."status" = 'VISIBLE' ${filter}
     ORDER BY ${order}r."created_at" DESC, r."id" DESC
     LIMIT $${limitParam}`;

/** Newest first: [productId, limit + 1]. */
export const LIST_NEWEST = page(" ", "", 2);
/** … after a newest-first cursor: [productId, t, t, t, id, limit + 1] (the first `t`: the index bound). */
export const LIST_NEWEST_AFTER = page(` AND r."created_at" <= $2 AND (r."created_at" < $3 OR (r."created_at" = $4 AND r."id" < $5))`, "", 6);
/** … with a star filter: [productId, rating, limit + 1]. */
export const LIST_NEWEST_RATING = page(`AND r."rating" = $2 `, "", 3);
/** … most helpful first: [productId, limit + 1]. */
export const LIST_HELPFUL = page(" ", `r."helpful_count" DESC, `, 2);

/** review-lists.ts summary, through Database.read: [productId]. */
export const FIGURES = `
    SELECT "rating_avg" AS "ratingAvg", "rating_count" AS "ratingCount",
           "rating_1" AS "rating1", "rating_2" AS "rating2", "rating_3" AS "rating3", "rating_4" AS "rating4", "rating_5" AS "rating5"
      FROM "products" WHERE "id" = $1`;

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
  const take = limit + 1;
  let page: Statement;
  if (input.cursor) {
    const c = JSON.parse(Buffer.from(input.cursor, "base64url").toString("utf8")) as { t: number; id: string };
    const t = new Date(c.t);
    page = { text: LIST_NEWEST_AFTER, values: [input.productId, t, t, t, c.id, take] };
  } else if (input.rating) {
    page = { text: LIST_NEWEST_RATING, values: [input.productId, input.rating, take] };
  } else {
    page = { text: sort === "helpful" ? LIST_HELPFUL : LIST_NEWEST, values: [input.productId, take] };
  }
  return {
    visible: { text: PRODUCT_VISIBLE, values: [input.productId] },
    page,
    figures: input.cursor ? null : { text: FIGURES, values: [input.productId] },
  };
}
