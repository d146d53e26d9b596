import { roleCan, type ShopRole } from "@marketplace/shared";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";

/** The shop rooms a member with `role` hears: every member the shop's, money roles its prices too. */
export function shopRoomsFor(shopId: string, role: ShopRole): string[] {
  return roleCan(role, "money.read") ? [rooms.shop(shopId), rooms.shopMoney(shopId)] : [rooms.shop(shopId)];
}

/**
 * Moves the user's open sockets (every replica's: the Redis adapter's socketsJoin/socketsLeave)
 * to the rooms of their new place in the shop, after the commit and before its events; `role`
 * null when they left it. The user hears `team.changed` to refetch their shops.
 */
export function followMembership(events: EventBuffer, userId: string, shopId: string, role: ShopRole | null): void {
  const keep = role ? shopRoomsFor(shopId, role) : [];
  const drop = [rooms.shop(shopId), rooms.shopMoney(shopId)].filter((r) => !keep.includes(r));
  events.leaveRooms(rooms.user(userId), drop);
  events.joinRooms(rooms.user(userId), keep);
  events.add("team.changed", [rooms.user(userId)], { shopId, role });
}
