import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "@marketplace/shared";
import { computed, readonly, ref } from "vue";

/**
 * A signed-out visitor's cart, kept in localStorage (`{variantId, productId, quantity}` per line;
 * the product id only lets the cart page show the line). It is merged into the server cart at
 * sign-in (see cart-sync.ts) and then cleared. Other tabs follow through the `storage` event.
 */
export interface GuestCartItem {
  variantId: string;
  productId: string;
  quantity: number;
}

const STORAGE_KEY = "bazaar.guestCart";

function isItem(v: unknown): v is GuestCartItem {
  const o = v as Partial<GuestCartItem> | null;
  return (
    !!o &&
    typeof o.variantId === "string" &&
    typeof o.productId === "string" &&
    Number.isInteger(o.quantity) &&
    (o.quantity ?? 0) >= 1 &&
    (o.quantity ?? 0) <= MAX_LINE_QUANTITY
  );
}

/** What is stored, read defensively: anything malformed (an old format, a hand edit) is dropped. */
function load(): GuestCartItem[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(isItem).slice(0, MAX_CART_LINES) : [];
  } catch {
    return [];
  }
}

const items = ref<GuestCartItem[]>(typeof localStorage === "undefined" ? [] : load());

function save(next: GuestCartItem[]) {
  items.value = next;
  try {
    if (next.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or disabled (private mode): the cart still works for this page's lifetime.
  }
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key === STORAGE_KEY || e.key === null) items.value = load();
  });
}

export const guestCartItems = readonly(items);
export const guestItemCount = computed(() => items.value.reduce((n, i) => n + i.quantity, 0));

export type GuestAddResult = "added" | "capped" | "full";

/**
 * Adds units of a variant, capped by the stock the page showed and by 99 per line. "capped" when
 * fewer than asked fit, "full" when the cart already holds its maximum of different items.
 */
export function addGuestItem(item: GuestCartItem, stock: number): GuestAddResult {
  const limit = Math.min(stock, MAX_LINE_QUANTITY);
  const existing = items.value.find((i) => i.variantId === item.variantId);
  if (!existing && items.value.length >= MAX_CART_LINES) return "full";
  const wanted = (existing?.quantity ?? 0) + item.quantity;
  const quantity = Math.min(wanted, limit);
  if (quantity < 1) return "capped";
  save(
    existing
      ? items.value.map((i) => (i.variantId === item.variantId ? { ...i, quantity } : i))
      : [...items.value, { variantId: item.variantId, productId: item.productId, quantity }],
  );
  return quantity < wanted ? "capped" : "added";
}

export function setGuestQuantity(variantId: string, quantity: number): void {
  const q = Math.max(1, Math.min(MAX_LINE_QUANTITY, Math.trunc(quantity)));
  save(items.value.map((i) => (i.variantId === variantId ? { ...i, quantity: q } : i)));
}

export function removeGuestItem(variantId: string): void {
  save(items.value.filter((i) => i.variantId !== variantId));
}

export function clearGuestCart(): void {
  save([]);
}

/** A snapshot for `cart.merge` (which takes only variant and quantity). */
export function guestItemsForMerge(): { variantId: string; quantity: number }[] {
  return items.value.map(({ variantId, quantity }) => ({ variantId, quantity }));
}

/**
 * Takes a merged snapshot out of the guest cart; units added while the merge was on its way
 * (another click, another tab) stay for the next merge.
 */
export function forgetMerged(merged: readonly { variantId: string; quantity: number }[]): void {
  const sent = new Map(merged.map((m) => [m.variantId, m.quantity]));
  save(
    items.value
      .map((i) => ({ ...i, quantity: i.quantity - (sent.get(i.variantId) ?? 0) }))
      .filter((i) => i.quantity > 0),
  );
}
