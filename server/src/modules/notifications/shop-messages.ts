import type { Tx } from "../../db/client.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { notify, notifyAdmins } from "./notify.ts";

/** A new shop waits for approval: the admins hear, in the transaction that opened it. */
export async function tellShopAwaitingApproval(tx: Tx, events: EventBuffer, shop: { name: string; ownerName: string }): Promise<void> {
  await notifyAdmins(tx, events, { kind: "shop.pending", text: `${shop.ownerName} opened the shop “${shop.name}”: it awaits approval`, link: "/admin/shops" });
}

/** An admin approved (or reopened) a shop, or suspended it with a reason: its owner hears. */
export async function tellShopDecision(tx: Tx, events: EventBuffer, shopId: string, decision: { status: "ACTIVE" } | { status: "SUSPENDED"; reason: string }): Promise<void> {
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: { name: true, owner: { select: { id: true, name: true } } } });
  const base = { ownerName: shop.owner.name, shopName: shop.name };
  if (decision.status === "ACTIVE") {
    await enqueueMail(tx, { userId: shop.owner.id, template: "shop_approved", data: base });
    await notify(tx, events, shop.owner.id, { kind: "shop.decided", text: `Your shop “${shop.name}” was approved: it can sell now`, link: "/seller" });
  } else {
    await enqueueMail(tx, { userId: shop.owner.id, template: "shop_suspended", data: { ...base, reason: decision.reason } });
    await notify(tx, events, shop.owner.id, { kind: "shop.decided", text: `Your shop “${shop.name}” was suspended: ${decision.reason}`, link: "/seller" });
  }
}
