import { z } from "zod";
import { idSchema, text } from "./common.ts";
import { emailSchema } from "./auth.ts";

/** A member's role in one shop (not the account's marketplace role). */
export const SHOP_ROLES = ["OWNER", "MANAGER", "FULFILMENT", "VIEWER"] as const;
export const shopRoleSchema = z.enum(SHOP_ROLES);
export type ShopRole = z.infer<typeof shopRoleSchema>;

export const SHOP_ROLE_LABELS: Record<ShopRole, string> = {
  OWNER: "Owner",
  MANAGER: "Manager",
  FULFILMENT: "Fulfilment",
  VIEWER: "Viewer",
};

/**
 * Permissions as data: what each seller-side permission allows and which roles hold it. Every
 * seller procedure names exactly one of these (trpc/init.ts `shopProcedure`), the authorization
 * matrix test is generated from this table, and the team page shows it to owners.
 */
export const SHOP_PERMISSIONS = {
  "shop.read": { label: "See the shop's settings", roles: ["OWNER", "MANAGER", "FULFILMENT", "VIEWER"] },
  "shop.update": { label: "Edit the shop's name, description and images", roles: ["OWNER", "MANAGER"] },
  "catalog.read": { label: "See the catalog, with prices and stock", roles: ["OWNER", "MANAGER", "VIEWER"] },
  "catalog.write": { label: "Create, edit and archive products, upload images", roles: ["OWNER", "MANAGER"] },
  "orders.read": { label: "See orders and print packing slips", roles: ["OWNER", "MANAGER", "FULFILMENT", "VIEWER"] },
  "orders.fulfil": { label: "Move orders: processing, shipped, delivered", roles: ["OWNER", "MANAGER", "FULFILMENT"] },
  "orders.cancel": { label: "Cancel orders (refunds the buyer)", roles: ["OWNER", "MANAGER"] },
  "money.read": { label: "See prices, sales figures and the balance", roles: ["OWNER", "MANAGER", "VIEWER"] },
  "reviews.read": { label: "Read the shop's reviews", roles: ["OWNER", "MANAGER", "VIEWER"] },
  "reviews.reply": { label: "Reply to reviews", roles: ["OWNER", "MANAGER"] },
  "team.read": { label: "See the team", roles: ["OWNER", "MANAGER", "VIEWER"] },
  "team.manage": { label: "Invite, change roles and remove members", roles: ["OWNER"] },
  payouts: { label: "Connect the payout account and see transfers", roles: ["OWNER"] },
} as const satisfies Record<string, { label: string; roles: readonly ShopRole[] }>;
export type ShopPermission = keyof typeof SHOP_PERMISSIONS;
export const SHOP_PERMISSION_NAMES = Object.keys(SHOP_PERMISSIONS) as ShopPermission[];

/** Whether a role holds a permission. */
export function roleCan(role: ShopRole, permission: ShopPermission): boolean {
  return (SHOP_PERMISSIONS[permission].roles as readonly ShopRole[]).includes(role);
}

/** Every permission a role holds, in the table's order. */
export function permissionsOf(role: ShopRole): ShopPermission[] {
  return SHOP_PERMISSION_NAMES.filter((p) => roleCan(role, p));
}

/** The header that names the shop a request acts on (for a member of several shops). */
export const SHOP_HEADER = "x-shop-id";

/** How long an invitation link stays valid. */
export const TEAM_INVITE_TTL_DAYS = 7;

export const teamInviteInput = z.strictObject({ email: emailSchema, role: shopRoleSchema });
export type TeamInviteInput = z.infer<typeof teamInviteInput>;

export const teamAcceptInput = z.strictObject({ token: text().trim().min(20).max(128) });
export type TeamAcceptInput = z.infer<typeof teamAcceptInput>;

export const teamSetRoleInput = z.strictObject({ userId: idSchema, role: shopRoleSchema });
export type TeamSetRoleInput = z.infer<typeof teamSetRoleInput>;

export const teamRemoveInput = z.strictObject({ userId: idSchema });
export type TeamRemoveInput = z.infer<typeof teamRemoveInput>;

export const teamRevokeInviteInput = z.strictObject({ id: idSchema });
export type TeamRevokeInviteInput = z.infer<typeof teamRevokeInviteInput>;
