import { newId } from "../../lib/ids.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { CATEGORIES, SHOPS } from "./data/catalog.ts";
import { shopLogoUrl } from "./images.ts";
import { time } from "./random.ts";
import type { ActivityLog, ShopRec, UserRec } from "./types.ts";

/** The category tree: parents first, so one insert satisfies the parent foreign key. */
export function buildCategories() {
  const idBySlug = new Map<string, string>();
  const rows: Prisma.CategoryCreateManyInput[] = [];
  for (const c of [...CATEGORIES].sort((a, b) => Number(a.parent !== null) - Number(b.parent !== null))) {
    const id = newId();
    idBySlug.set(c.slug, id);
    const parentId = c.parent === null ? null : idBySlug.get(c.parent);
    if (parentId === undefined) throw new Error(`seed data: unknown parent category "${c.parent}"`);
    rows.push({ id, parentId, name: c.name, slug: c.slug, position: c.position });
  }
  const categoryId = (slug: string): string => {
    const id = idBySlug.get(slug);
    if (!id) throw new Error(`seed data: unknown category "${slug}"`);
    return id;
  };
  return { rows, categoryId };
}

/**
 * The shops: six approved by the admin (their owners are sellers) and one still waiting for
 * approval (its owner is still a buyer).
 */
export function buildShops(now: Date, user: (key: string) => UserRec, log: ActivityLog): ShopRec[] {
  const admin = user("admin");
  return SHOPS.map((spec) => {
    const owner = user(spec.owner);
    const active = spec.status === "ACTIVE";
    if (active !== (owner.role === "SELLER")) {
      throw new Error(`seed data: the owner of ${spec.slug} must be a seller exactly when the shop is active`);
    }
    const createdAt = time.daysAgo(now, spec.openedDaysAgo);
    const approvedAt = active ? time.plusHours(createdAt, 20) : null;
    const id = newId();
    log.add({
      kind: "shop.created",
      summary: `${owner.name} opened ${spec.name}`,
      actorId: owner.id,
      subject: { type: "shop", id },
      at: createdAt,
    });
    if (approvedAt) {
      log.add({
        kind: "shop.approved",
        summary: `${admin.name} approved ${spec.name}`,
        actorId: admin.id,
        subject: { type: "shop", id },
        at: approvedAt,
      });
    }
    return {
      id,
      name: spec.name,
      ownerId: owner.id,
      active,
      row: {
        id,
        ownerId: owner.id,
        name: spec.name,
        slug: spec.slug,
        description: spec.description,
        logoUrl: shopLogoUrl(spec.name),
        status: spec.status,
        createdAt,
        updatedAt: approvedAt ?? createdAt,
        approvedAt,
      },
    };
  });
}
