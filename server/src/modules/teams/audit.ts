import { SHOP_ROLE_LABELS, type ActivityKind } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import type { ShopScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";

/** "Ana (Fulfilment)": how the audit names the member who acted. */
export const memberLabel = (ctx: Pick<ShopScope, "user" | "member">) => `${ctx.user.name} (${SHOP_ROLE_LABELS[ctx.member.role]})`;

/**
 * One line of the activity log for a change made in the seller area: the acting member, their
 * role at that moment and the shop, so "Shipped by Ana (Fulfilment)" stays true after a role change.
 */
export async function recordShopChange(
  tx: Tx,
  events: EventBuffer,
  ctx: ShopScope,
  input: { kind: ActivityKind; summary: string; subject?: { type: string; id: string }; data?: Record<string, Prisma.InputJsonValue | null> },
): Promise<void> {
  await recordActivity(tx, events, {
    kind: input.kind,
    summary: `${memberLabel(ctx)} of ${ctx.shop.name}: ${input.summary}`,
    actorId: ctx.user.id,
    actorName: ctx.user.name,
    subject: input.subject,
    data: { ...input.data, shopId: ctx.shop.id, memberRole: ctx.member.role },
  });
}
