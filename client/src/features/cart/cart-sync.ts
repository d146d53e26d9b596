import type { RouterOutputs } from "@marketplace/server/router";
import { queryClient, type Me } from "../../lib/query.ts";
import { queryKeys } from "../../lib/query-keys.ts";
import { isUnauthorized, readApiError, trpc } from "../../lib/trpc.ts";
import { showToast } from "../../ui/toast.ts";
import { forgetMerged, guestCartItems, guestItemsForMerge } from "./guest-cart.ts";

type CatalogProduct = RouterOutputs["catalog"]["product"];
type MergeResult = RouterOutputs["cart"]["merge"];
/** Sends guest lines to the server cart; the server's answer names the lines it could not take. */
export type MergeCall = (items: { variantId: string; quantity: number }[]) => Promise<MergeResult>;

const sendMerge: MergeCall = (items) => trpc.cart.merge.mutate({ items });

let inFlight: Promise<void> | null = null;
/** The user whose sign-in was last merged for (one attempt per sign-in, so a failure is not retried in a loop). */
let mergedFor: string | null = null;

/** Resolves once a merge in progress has finished (at once when there is none). */
export function mergeInFlight(): Promise<void> {
  return inFlight ?? Promise.resolve();
}

/**
 * Moves the guest cart into the account when someone signs in (or up, or opens the app signed in
 * with a guest cart left over): `cart.merge`, then the merged lines leave localStorage and the
 * answer becomes the cached cart. Items the server skipped (sold out, gone, from the person's own
 * shop) are named in a toast. Started once from main.ts; returns the unsubscribe.
 */
export function startGuestCartSync(merge: MergeCall = sendMerge): () => void {
  return queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== "updated") return;
    const key = event.query.queryKey;
    if (key[0] !== queryKeys.me[0] || key[1] !== queryKeys.me[1]) return;
    const me = event.query.state.data as Me | null | undefined;
    if (me === null) mergedFor = null;
    if (me && me.id !== mergedFor) void mergeGuestCart(me.id, merge);
  });
}

/** Product titles the cache knows right now (read before signing in drops the cache). */
function knownTitles(): Map<string, string> {
  const titles = new Map<string, string>();
  for (const item of guestCartItems.value) {
    const p = queryClient.getQueryData<CatalogProduct>(queryKeys.catalog.product(item.productId));
    const v = p?.variants.find((x) => x.id === item.variantId);
    if (p) titles.set(item.variantId, v && p.variants.length > 1 ? `${p.title} (${v.title})` : p.title);
  }
  return titles;
}

async function mergeGuestCart(userId: string, merge: MergeCall): Promise<void> {
  const items = guestItemsForMerge();
  if (inFlight || !items.length) return;
  mergedFor = userId;
  const titles = knownTitles();
  inFlight = (async () => {
    try {
      const result = await merge(items);
      forgetMerged(items);
      queryClient.setQueryData(queryKeys.cart, result.cart);
      const skipped = result.skippedVariantIds;
      const added = items.filter((i) => !skipped.includes(i.variantId)).reduce((n, i) => n + i.quantity, 0);
      if (added) showToast(`We moved ${added} ${added === 1 ? "item" : "items"} from before you signed in into your cart.`, "success");
      if (skipped.length) {
        const names = skipped.map((id) => titles.get(id)).filter(Boolean);
        const what = names.length === skipped.length ? names.join(", ") : `${skipped.length} ${skipped.length === 1 ? "item" : "items"}`;
        showToast(`Not added to your cart: ${what}. Sold out, no longer listed, or from your own shop.`, "error");
      }
    } catch (err) {
      // Signed out again meanwhile: the guest cart simply stays.
      if (!isUnauthorized(err)) showToast(`We couldn't move your guest cart into your account: ${readApiError(err).message}`, "error");
    } finally {
      inFlight = null;
    }
  })();
  await inFlight;
}
