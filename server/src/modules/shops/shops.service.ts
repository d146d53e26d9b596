import { permissionsOf, type ShopCreateInput, type ShopUpdateInput } from "@marketplace/shared";
import { roleIn } from "../teams/team.service.ts";
import { recordShopChange } from "../teams/audit.ts";
import { followMembership } from "../teams/team-rooms.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { DomainError, conflict, forbidden, notFound } from "../../lib/errors.ts";
import { slugify, uniqueSlug } from "../../lib/slug.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, Scope, ShopScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { productCardSelect, toProductCard, visibleProductWhere } from "../catalog/catalog.service.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { holdNewUploads, UNAVAILABLE_IMAGE } from "../uploads/uploads.service.ts";
import { tellShopAwaitingApproval } from "../notifications/shop-messages.ts";

export const ownShopDetailSelect = {
  id: true,
  name: true,
  slug: true,
  description: true,
  logoUrl: true,
  bannerUrl: true,
  status: true,
  statusReason: true,
  ratingAvg: true,
  ratingCount: true,
  createdAt: true,
  approvedAt: true,
} as const satisfies Prisma.ShopSelect;

/** Opens a shop in PENDING for an admin to approve; one shop per user. */
export async function createShop(ctx: AuthedScope, input: ShopCreateInput) {
  const existing = await ctx.db.shop.findUnique({ where: { ownerId: ctx.user.id }, select: { id: true } });
  if (existing) throw conflict("You already have a shop");
  // A shop's owner must be reachable: buyers' orders and the admins' decisions come by email.
  if (!ctx.user.emailVerified) {
    throw new DomainError("FORBIDDEN", "Verify your email address before opening a shop: use the link we sent you", undefined, { emailUnverified: true });
  }
  const base = slugify(input.name);
  const taken = await ctx.db.shop.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } });
  return inTransaction(ctx, async (tx, events) => {
    const shop = await tx.shop.create({
      data: {
        ownerId: ctx.user.id,
        name: input.name,
        description: input.description,
        slug: uniqueSlug(base, taken.map((s) => s.slug)),
        // The founder is the shop's first owner; more can be invited (shop.team.invite).
        members: { create: { userId: ctx.user.id, role: "OWNER" } },
      },
      select: ownShopDetailSelect,
    });
    followMembership(events, ctx.user.id, shop.id, "OWNER");
    await recordActivity(tx, events, {
      kind: "shop.created",
      summary: `${ctx.user.name} opened the shop “${shop.name}” (awaiting approval)`,
      actorId: ctx.user.id,
      subject: { type: "shop", id: shop.id },
    });
    await tellShopAwaitingApproval(tx, events, { name: shop.name, ownerName: ctx.user.name });
    return shop;
  }).catch((err: unknown) => {
    // Two requests racing: the unique owner or slug index decides.
    if (isUniqueViolation(err)) throw conflict("You already have a shop, or that name was just taken");
    throw err;
  });
}

/** The shop the caller chose (or their only one), in any status, with their role and its permissions; null without one. */
export async function myShop(ctx: AuthedScope, requestedShopId: string | null) {
  const place = await roleIn(ctx, requestedShopId);
  if (!place) return null;
  const shop = await ctx.db.shop.findUniqueOrThrow({ where: { id: place.shopId }, select: ownShopDetailSelect });
  return { ...shop, role: place.role, permissions: permissionsOf(place.role) };
}

/**
 * Profile edits by the owner; a suspended shop is frozen until an admin reopens it. A new logo or
 * banner must be one of the shop's own uploads, still stored (uploads.service.ts holdNewUploads).
 */
export async function updateShop(ctx: ShopScope, input: ShopUpdateInput) {
  if (ctx.shop.status === "SUSPENDED") throw forbidden("Your shop is suspended");
  return inTransaction(ctx, async (tx, events) => {
    const current = await tx.shop.findUniqueOrThrow({ where: { id: ctx.shop.id }, select: { logoUrl: true, bannerUrl: true } });
    const missing = await holdNewUploads(tx, ctx.shop.id, [input.logoUrl, input.bannerUrl], [current.logoUrl, current.bannerUrl]);
    if (missing.length) {
      const fieldErrors: Record<string, string[]> = {};
      if (input.logoUrl && missing.includes(input.logoUrl)) fieldErrors.logoUrl = [UNAVAILABLE_IMAGE];
      if (input.bannerUrl && missing.includes(input.bannerUrl)) fieldErrors.bannerUrl = [UNAVAILABLE_IMAGE];
      throw new DomainError("BAD_REQUEST", UNAVAILABLE_IMAGE, fieldErrors);
    }
    const shop = await tx.shop.update({ where: { id: ctx.shop.id }, data: input, select: ownShopDetailSelect });
    await recordShopChange(tx, events, ctx, {
      kind: "shop.updated",
      summary: `edited the shop (${Object.keys(input).join(", ") || "nothing"})`,
      subject: { type: "shop", id: ctx.shop.id },
    });
    return shop;
  });
}

/** The public profile of an active shop, with its newest visible products. */
export async function shopBySlug(ctx: Scope, slug: string) {
  const shop = await ctx.db.shop.findFirst({
    where: { slug, status: "ACTIVE" },
    select: {
      id: true,
      name: true,
      slug: true,
      description: true,
      logoUrl: true,
      bannerUrl: true,
      ratingAvg: true,
      ratingCount: true,
      createdAt: true,
      _count: { select: { products: { where: { status: "ACTIVE" } } } },
    },
  });
  if (!shop) throw notFound("Shop");
  const products = await ctx.db.product.findMany({
    where: { ...visibleProductWhere, shopId: shop.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 48,
    select: productCardSelect,
  });
  const { _count, ...profile } = shop;
  return { ...profile, productCount: _count.products, products: products.map(toProductCard) };
}
