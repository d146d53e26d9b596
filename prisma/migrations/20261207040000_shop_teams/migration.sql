-- Shop teams: members with a role per shop, and emailed invitations.

CREATE TYPE "ShopRole" AS ENUM ('OWNER', 'MANAGER', 'FULFILMENT', 'VIEWER');

CREATE TABLE "shop_members" (
    "id" TEXT NOT NULL,
    "shop_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" "ShopRole" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "shop_members_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "shop_members_shop_id_user_id_key" ON "shop_members"("shop_id", "user_id");
CREATE INDEX "shop_members_user_id_idx" ON "shop_members"("user_id");
ALTER TABLE "shop_members" ADD CONSTRAINT "shop_members_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shop_members" ADD CONSTRAINT "shop_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "shop_invites" (
    "id" TEXT NOT NULL,
    "shop_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "ShopRole" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "invited_by_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "shop_invites_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "shop_invites_token_hash_key" ON "shop_invites"("token_hash");
CREATE INDEX "shop_invites_shop_id_created_at_idx" ON "shop_invites"("shop_id", "created_at" DESC);
ALTER TABLE "shop_invites" ADD CONSTRAINT "shop_invites_shop_id_fkey" FOREIGN KEY ("shop_id") REFERENCES "shops"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shop_invites" ADD CONSTRAINT "shop_invites_invited_by_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every existing shop's owner becomes its first OWNER member.
INSERT INTO "shop_members" ("id", "shop_id", "user_id", "role", "created_at", "updated_at")
SELECT gen_random_uuid()::text, "id", "owner_id", 'OWNER', "created_at", CURRENT_TIMESTAMP FROM "shops";
