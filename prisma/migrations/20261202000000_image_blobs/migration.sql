-- Uploaded images kept in the database (UPLOAD_STORE=database, the default with DATABASE_URL), so
-- that every replica serves every image. One row per stored image, keyed by its generated name
-- ("<32 hex>.<ext>": the name alone gives the type). The "uploads" row (shop, size, quota) is
-- written after the bytes and removed with them; a blob is never referenced by a foreign key, so
-- that the disk and S3 stores share the same "uploads" table.

CREATE TABLE "image_blobs" (
    "name" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "image_blobs_pkey" PRIMARY KEY ("name"),
    CONSTRAINT "image_blobs_name_generated" CHECK ("name" ~ '^[a-f0-9]{32}\.(jpg|png|webp)$'),
    CONSTRAINT "image_blobs_bytes_present" CHECK (octet_length("bytes") > 0)
);

-- JPEG, PNG and WebP are compressed already: stored out of line without compression, an image is
-- not compressed again for nothing, and serving it in chunks (substring) reads only the TOAST
-- chunks each piece needs instead of the whole value.
ALTER TABLE "image_blobs" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;

-- The sweep of orphaned blobs (bytes whose "uploads" row was never written) looks at old ones.
CREATE INDEX "image_blobs_created_at_idx" ON "image_blobs"("created_at");
