import { readonly, ref } from "vue";

/**
 * New incoming orders the shop owner has not looked at yet in this tab: counted from the live
 * `order.created` events, shown as a badge on the "My shop" menu entry, cleared by visiting the
 * shop dashboard or signing out.
 */
const unseen = ref(0);
export const unseenOrders = readonly(unseen);

export function noteNewOrder(): void {
  unseen.value += 1;
}

export function clearUnseenOrders(): void {
  unseen.value = 0;
}
