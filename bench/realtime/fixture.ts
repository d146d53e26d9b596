/**
 * The bench's own PostgreSQL database: created from scratch, migrated with the project's
 * migrator, filled with one ACTIVE shop + product + variant and the buyers' sessions, and
 * dropped at the end.
 */
import { hashPassword } from "../../server/src/modules/auth/password.ts";
import { createSession } from "../../server/src/modules/auth/session.service.ts";
import { createMigratedDatabase } from "../lib/databases.ts";

export interface Fixture {
  url: string;
  productId: string;
  variantId: string;
  buyers: { id: string; token: string }[];
}

export async function createFixture(adminUrl: string, name: string, buyerCount: number, log: (msg: string) => void): Promise<Fixture> {
  const { url, database } = await createMigratedDatabase(adminUrl, name, 10);
  try {
    const db = database.prisma;
    const passwordHash = await hashPassword("bench-password-not-used"); // once, reused by every user
    const seller = await db.user.create({ data: { email: "seller@bench.test", name: "Bench Seller", role: "SELLER", passwordHash } });
    const category = await db.category.create({ data: { name: "Bench", slug: "bench" } });
    const shop = await db.shop.create({
      data: { ownerId: seller.id, name: "Bench Shop", slug: "bench-shop", status: "ACTIVE", approvedAt: new Date() },
    });
    const product = await db.product.create({
      data: { shopId: shop.id, categoryId: category.id, title: "Bench Product", slug: "bench-product", status: "ACTIVE" },
    });
    const variant = await db.variant.create({
      data: { productId: product.id, shopId: shop.id, sku: "BENCH-1", title: "Default", priceCents: 1000, stock: 0 },
    });

    const started = performance.now();
    await db.user.createMany({
      data: Array.from({ length: buyerCount }, (_, i) => ({ email: `buyer${i}@bench.test`, name: `Bench Buyer ${i}`, role: "BUYER" as const, passwordHash })),
    });
    const users = await db.user.findMany({ where: { role: "BUYER" }, select: { id: true }, orderBy: { email: "asc" } });
    const buyers: Fixture["buyers"] = new Array(users.length);
    let next = 0;
    // Sessions straight from the service: no argon2 per login, no login rate limit.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < users.length) {
          const i = next++;
          const { token } = await createSession(db, users[i]!.id, { ip: "127.0.0.1", userAgent: "bench", ttlDays: 1 });
          buyers[i] = { id: users[i]!.id, token };
        }
      }),
    );
    log(`fixture: ${buyers.length} buyers with sessions in ${Math.round(performance.now() - started)} ms`);
    return { url, productId: product.id, variantId: variant.id, buyers };
  } finally {
    await database.close();
  }
}
