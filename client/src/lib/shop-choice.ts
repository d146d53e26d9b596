import { ref, watch } from "vue";

/**
 * The shop the seller area acts on, for someone who works in several: sent with every API call as
 * the `x-shop-id` header (the server checks it against their memberships; it is only a choice).
 * Kept in localStorage so a reload stays in the same shop.
 */
const KEY = "bazaar.shopId";

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

export const chosenShopId = ref<string | null>(stored());

watch(chosenShopId, (id) => {
  try {
    if (id) globalThis.localStorage?.setItem(KEY, id);
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
});

/** The headers of an API call: the chosen shop, if any. */
export function shopHeaders(): Record<string, string> {
  return chosenShopId.value ? { "x-shop-id": chosenShopId.value } : {};
}
