-- When a shop started processing its part of an order, for the order's timeline (its
-- "Processing" step had no time). Parts that were already processed take the time from the
-- activity log, which recorded every status change; none is invented for the others.

ALTER TABLE "seller_orders" ADD COLUMN "processing_at" TIMESTAMPTZ(3);

UPDATE "seller_orders" AS so
SET "processing_at" = a."at"
FROM (
    SELECT "subject_id", min("created_at") AS "at"
    FROM "activities"
    WHERE "kind" = 'order.status_changed' AND "subject_type" = 'seller_order' AND "data"->>'to' = 'PROCESSING'
    GROUP BY "subject_id"
) AS a
WHERE a."subject_id" = so."id";
