-- Uploaded images (SECURITY 37): one row per file stored by POST /uploads, so that a shop's
-- stored bytes can be held to its quota and files that nothing references can be found and
-- removed after a grace period (file and row). Files uploaded before this migration have no row:
-- they count against no quota and are never swept.

CREATE TABLE "uploads" (
    "id" TEXT NOT NULL,
    "shop_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "uploads_bytes_positive" CHECK ("bytes" > 0)
);
CREATE UNIQUE INDEX "uploads_name_key" ON "uploads"("name");
CREATE INDEX "uploads_shop_id_idx" ON "uploads"("shop_id");
CREATE INDEX "uploads_created_at_idx" ON "uploads"("created_at");
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
