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

/**
 * While the seller's orders page is open, a new order is announced in the page's flow, above the
 * list, rather than in a toast: on a phone a toast sits over the bottom of the screen, where the
 * next order's "Start processing" button often is. `null`: the page is not open.
 */
const notice = ref<string[] | null>(null);
export const ordersPageNotices = readonly(notice);

/** The orders page opened (`true`) or closed. */
export function setOrdersPageOpen(open: boolean): void {
  notice.value = open ? [] : null;
}

/** Says `message` on the orders page if it is open (the newest three kept); false if it is not. */
export function noticeOnOrdersPage(message: string): boolean {
  if (!notice.value) return false;
  notice.value = [message, ...notice.value].slice(0, 3);
  return true;
}

export function dismissOrdersPageNotices(): void {
  if (notice.value) notice.value = [];
}
