import { createMigratedDatabase } from "../lib/databases.ts";
import { hashPassword } from "../../server/src/modules/auth/password.ts";
import { createSession } from "../../server/src/modules/auth/session.service.ts";
import { seedDemo } from "../../server/src/db/seed/index.ts";

/** A signed-in account of the soak: its session token (sent as the production session cookie). */
export interface Account {
  id: string;
  token: string;
}

export interface SoakFixture {
  url: string;
  buyers: Account[];
  /** The owners of the demo's active shops. */
  sellers: Account[];
  /** Every variant of an active product, and its product (what buyers put in carts and sockets watch). */
  variants: { id: string; productId: string }[];
  productIds: string[];
}

/**
 * The soak's database: migrated by the project's migrator, seeded with the demo data (the
 * catalog, its shops and their sellers, orders in every status), plus `buyers` buyers. Every
 * account gets a session made straight in the database, as a sign-in would (the soak measures
 * the marketplace, not argon2).
 */
export async function createSoakDatabase(adminUrl: string, name: string, buyers: number): Promise<SoakFixture> {
  const { url, database } = await createMigratedDatabase(adminUrl, name, 4);
  try {
    const db = database.prisma;
    await seedDemo(db);
    const passwordHash = await hashPassword(`soak-${Date.now()}`);
    await db.user.createMany({
      data: Array.from({ length: buyers }, (_, i) => ({
        email: `soak${String(i).padStart(4, "0")}@bench.test`,
        name: `Soak Buyer ${i}`,
        passwordHash,
        emailVerifiedAt: new Date(),
      })),
    });
    const session = (userId: string) => createSession(db, userId, { ip: "127.0.0.1", userAgent: "bench/soak", ttlDays: 1 }).then((s) => ({ id: userId, token: s.token }));
    const buyerRows = await db.user.findMany({ where: { email: { endsWith: "@bench.test" } }, select: { id: true }, orderBy: { email: "asc" } });
    const shopRows = await db.shop.findMany({ where: { status: "ACTIVE" }, select: { ownerId: true }, orderBy: { slug: "asc" } });
    const variants = await db.variant.findMany({ where: { product: { status: "ACTIVE" } }, select: { id: true, productId: true } });
    return {
      url,
      buyers: await Promise.all(buyerRows.map((u) => session(u.id))),
      sellers: await Promise.all(shopRows.map((s) => session(s.ownerId))),
      variants,
      productIds: [...new Set(variants.map((v) => v.productId))],
    };
  } finally {
    await database.close();
  }
}
