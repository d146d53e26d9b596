import type { ShopRole } from "@marketplace/shared";
import type { Db } from "../../db/client.ts";
import type { OwnShop } from "../../scope.ts";

/** A shop the user works in, and their role there. */
export interface Membership {
  shop: OwnShop;
  role: ShopRole;
}

/** Why no shop could be chosen for a request: a tRPC code and a message the seller can act on. */
export interface MembershipRefusal {
  code: "NOT_FOUND" | "FORBIDDEN" | "BAD_REQUEST";
  message: string;
}

const memberSelect = { role: true, shop: { select: { id: true, name: true, slug: true, status: true } } } as const;

export const NOT_A_MEMBER = "You are not a member of that shop";
export const CHOOSE_A_SHOP = "You work in several shops: choose one (the x-shop-id header or a shopId input)";

/**
 * The shop a request acts on, checked against the caller's memberships in the database (never
 * trusted from the client): the one named (a `shopId` input or the `x-shop-id` header) if the
 * caller is a member of it, else the caller's only shop. A member of several must name one.
 */
export async function resolveMembership(db: Db, userId: string, requestedShopId: string | null): Promise<Membership | MembershipRefusal> {
  if (requestedShopId !== null) {
    // Ids are short: anything longer is no shop's, and is not sent to the database.
    const row =
      requestedShopId.length <= 64 ? await db.shopMember.findUnique({ where: { shopId_userId: { shopId: requestedShopId, userId } }, select: memberSelect }) : null;
    return row ?? { code: "FORBIDDEN", message: NOT_A_MEMBER };
  }
  const rows = await db.shopMember.findMany({ where: { userId }, select: memberSelect, take: 2 });
  if (rows.length === 0) return { code: "NOT_FOUND", message: "You have no shop yet" };
  if (rows.length > 1) return { code: "BAD_REQUEST", message: CHOOSE_A_SHOP };
  return rows[0]!;
}

export const isRefusal = (r: Membership | MembershipRefusal): r is MembershipRefusal => "code" in r;

/** Every shop the user works in, for the seller area's shop switcher. */
export async function membershipsOf(db: Db, userId: string) {
  return db.shopMember.findMany({ where: { userId }, select: memberSelect, orderBy: { createdAt: "asc" } });
}
