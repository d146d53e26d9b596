import type { AdminShopSuspendInput, AdminShopsListInput, ShopStatus } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { cursorDate, decodeCursor, encodeCursor, invalidCursor } from "../../lib/cursor.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope } from "../../scope.ts";
import { rooms } from "../../realtime/publish.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { dropWatchers } from "../products/products.service.ts";
import { tellShopDecision } from "../notifications/shop-messages.ts";

const adminShopSelect = {
  id: true,
  name: true,
  slug: true,
  description: true,
  status: true,
  statusReason: true,
  createdAt: true,
  approvedAt: true,
  ratingAvg: true,
  ratingCount: true,
  owner: { select: { id: true, name: true, email: true, role: true } },
  _count: { select: { products: true } },
} as const satisfies Prisma.ShopSelect;

/** Pending first (the queue), then suspended, then active; oldest pending first, newest otherwise. */
const STATUS_ORDER: ShopStatus[] = ["PENDING", "SUSPENDED", "ACTIVE"];

/**
 * The admins' shop queue. With a status filter it is one keyset-paged list; without, the pending
 * shops come first (oldest waiting first), then suspended and active ones, newest first.
 */
export async function listShops(ctx: AuthedScope, input: AdminShopsListInput) {
  const statuses = input.status ? [input.status] : STATUS_ORDER;
  const after = decodeCursor(input.cursor);
  // The cursor's `t` packs the status group and the time: group * 1e13 + ms. A group that is not
  // one of this list's, or a time a date cannot hold, is not a cursor this list made.
  const startGroup = after ? Math.floor(after.t / 1e13) : 0;
  if (startGroup < 0 || startGroup >= statuses.length) throw invalidCursor();
  const afterAt = after ? cursorDate(after.t - startGroup * 1e13) : null;
  const items: Prisma.ShopGetPayload<{ select: typeof adminShopSelect }>[] = [];
  let nextCursor: string | null = null;
  for (let g = startGroup; g < statuses.length && items.length <= input.limit; g++) {
    const status = statuses[g]!;
    const ascending = status === "PENDING";
    const afterHere = after && afterAt && g === startGroup ? { at: afterAt, id: after.id } : null;
    const rows = await ctx.db.shop.findMany({
      where: {
        status,
        ...(input.q ? { OR: [{ name: { contains: input.q, mode: "insensitive" } }, { owner: { email: { contains: input.q, mode: "insensitive" } } }] } : {}),
        ...(afterHere
          ? {
              AND: [
                {
                  OR: [
                    { createdAt: ascending ? { gt: afterHere.at } : { lt: afterHere.at } },
                    { createdAt: afterHere.at, id: ascending ? { gt: afterHere.id } : { lt: afterHere.id } },
                  ],
                },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: ascending ? "asc" : "desc" }, { id: ascending ? "asc" : "desc" }],
      take: input.limit + 1 - items.length,
      select: adminShopSelect,
    });
    for (const row of rows) {
      if (items.length === input.limit) {
        const last = items.at(-1)!;
        nextCursor = encodeCursor({ t: statuses.indexOf(last.status) * 1e13 + last.createdAt.getTime(), id: last.id });
        break;
      }
      items.push(row);
    }
    if (nextCursor) break;
  }
  return { items, nextCursor };
}

async function loadShop(ctx: AuthedScope, id: string) {
  const shop = await ctx.db.shop.findUnique({ where: { id }, select: { id: true, name: true, status: true, ownerId: true } });
  if (!shop) throw notFound("Shop");
  return shop;
}

/** Approves a pending shop or reopens a suspended one; its owner becomes a seller. */
export async function approveShop(ctx: AuthedScope, id: string) {
  const shop = await loadShop(ctx, id);
  return inTransaction(ctx, async (tx, events) => {
    // Compare-and-set: only a shop that is not already active changes.
    const { count } = await tx.shop.updateMany({
      where: { id, status: { in: ["PENDING", "SUSPENDED"] } },
      data: { status: "ACTIVE", statusReason: null, approvedAt: new Date() },
    });
    if (count === 0) throw conflict("This shop is already active");
    await tx.user.updateMany({ where: { id: shop.ownerId, role: "BUYER" }, data: { role: "SELLER" } });
    events.add("shop.updated", [rooms.user(shop.ownerId)], { shopId: id, status: "ACTIVE", reason: null });
    await tellShopDecision(tx, events, id, { status: "ACTIVE" });
    await recordActivity(tx, events, {
      kind: "shop.approved",
      summary: `${ctx.user.name} ${shop.status === "PENDING" ? "approved" : "reopened"} the shop “${shop.name}”`,
      actorId: ctx.user.id,
      subject: { type: "shop", id },
    });
    return tx.shop.findUniqueOrThrow({ where: { id }, select: adminShopSelect });
  });
}

/**
 * Suspends a shop with a reason: its products leave the catalog, their watchers' sockets leave
 * the product rooms and its page's visitors the shop page's room (SECURITY 35), and it cannot sell.
 */
export async function suspendShop(ctx: AuthedScope, input: AdminShopSuspendInput) {
  const shop = await loadShop(ctx, input.id);
  return inTransaction(ctx, async (tx, events) => {
    const { count } = await tx.shop.updateMany({
      where: { id: input.id, status: { in: ["PENDING", "ACTIVE"] } },
      data: { status: "SUSPENDED", statusReason: input.reason },
    });
    if (count === 0) throw conflict("This shop is already suspended");
    // Drafts and archived products have no watchers left; a pending shop's had none to begin with.
    const listed = await tx.product.findMany({ where: { shopId: input.id, status: "ACTIVE" }, select: { id: true } });
    dropWatchers(events, listed.map((p) => p.id));
    events.emptyRooms([rooms.shopPage(input.id)]);
    events.add("shop.updated", [rooms.user(shop.ownerId)], { shopId: input.id, status: "SUSPENDED", reason: input.reason });
    await tellShopDecision(tx, events, input.id, { status: "SUSPENDED", reason: input.reason });
    await recordActivity(tx, events, {
      kind: "shop.suspended",
      summary: `${ctx.user.name} suspended the shop “${shop.name}”: ${input.reason}`,
      actorId: ctx.user.id,
      subject: { type: "shop", id: input.id },
      data: { reason: input.reason },
    });
    return tx.shop.findUniqueOrThrow({ where: { id: input.id }, select: adminShopSelect });
  });
}
