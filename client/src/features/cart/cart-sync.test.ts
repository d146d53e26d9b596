import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { errorOf, testApi } from "../../test/api-server.ts";
import type { MergeCall } from "./cart-sync.ts";

type MergeResult = Awaited<ReturnType<MergeCall>>;

/** A fresh app: the guest cart as localStorage holds it, an empty cache, no toasts. */
async function freshApp() {
  vi.resetModules();
  const [sync, guest, query, keys, toast] = await Promise.all([
    import("./cart-sync.ts"),
    import("./guest-cart.ts"),
    import("../../lib/query.ts"),
    import("../../lib/query-keys.ts"),
    import("../../ui/toast.ts"),
  ]);
  const signIn = (id: string) => query.queryClient.setQueryData(keys.queryKeys.me, { id, name: "Ada", role: "BUYER" });
  const signOut = () => query.queryClient.setQueryData(keys.queryKeys.me, null);
  const toasts = () => toast.toasts.items.map((t) => `${t.tone}: ${t.message}`);
  return { sync, guest, queryClient: query.queryClient, queryKeys: keys.queryKeys, signIn, signOut, toasts };
}

/** A merge call that answers when the test says, recording what it was sent. */
function controlledMerge() {
  const calls: Parameters<MergeCall>[0][] = [];
  let settle!: { resolve: (r: MergeResult) => void; reject: (e: unknown) => void };
  const merge: MergeCall = (items) => {
    calls.push(items);
    return new Promise<MergeResult>((resolve, reject) => (settle = { resolve, reject }));
  };
  return { merge, calls, answer: (r: MergeResult) => settle.resolve(r), fail: (e: unknown) => settle.reject(e) };
}

const serverCart = (itemCount: number) => ({ itemCount, shops: [], canCheckout: true, blocker: null }) as unknown as MergeResult["cart"];

let stop: (() => void) | undefined;
beforeEach(() => localStorage.clear());
afterEach(() => stop?.());

describe("the guest cart's merge at sign-in", () => {
  it("sends the guest lines once, then empties the guest cart, caches the answer and says so", async () => {
    const app = await freshApp();
    app.guest.addGuestItem({ variantId: "v1", productId: "p1", quantity: 2 }, 9);
    app.guest.addGuestItem({ variantId: "v2", productId: "p2", quantity: 1 }, 9);
    const server = controlledMerge();
    stop = app.sync.startGuestCartSync(server.merge);

    app.signIn("u1");
    app.signIn("u1"); // `me` refetched: the same person, no second merge
    expect(server.calls).toEqual([
      [
        { variantId: "v1", quantity: 2 },
        { variantId: "v2", quantity: 1 },
      ],
    ]);
    server.answer({ cart: serverCart(3), skippedVariantIds: [] });
    await app.sync.mergeInFlight();

    expect(app.guest.guestCartItems.value).toEqual([]);
    expect(localStorage.getItem("bazaar.guestCart")).toBeNull();
    expect(app.queryClient.getQueryData(app.queryKeys.cart)).toEqual(serverCart(3));
    expect(app.toasts()).toEqual(["success: We moved 3 items from before you signed in into your cart."]);
  });

  it("keeps units added while the merge was on its way, for the next sign-in", async () => {
    const app = await freshApp();
    app.guest.addGuestItem({ variantId: "v1", productId: "p1", quantity: 1 }, 9);
    const server = controlledMerge();
    stop = app.sync.startGuestCartSync(server.merge);
    app.signIn("u1");
    let waited = false;
    const cartFetch = app.sync.mergeInFlight().then(() => (waited = true));
    app.guest.addGuestItem({ variantId: "v1", productId: "p1", quantity: 2 }, 9);
    await Promise.resolve();
    expect(waited).toBe(false); // the cart query waits for the merge
    server.answer({ cart: serverCart(1), skippedVariantIds: [] });
    await cartFetch;
    expect(app.guest.guestCartItems.value).toEqual([{ variantId: "v1", productId: "p1", quantity: 2 }]);

    // Signed out and in again: what is left is merged then.
    app.signOut();
    app.signIn("u1");
    expect(server.calls[1]).toEqual([{ variantId: "v1", quantity: 2 }]);
  });

  it("names the items the server could not take, by the titles the page knew", async () => {
    const app = await freshApp();
    app.queryClient.setQueryData(app.queryKeys.catalog.product("p1"), {
      title: "Stoneware mug",
      variants: [
        { id: "v1", title: "Blue" },
        { id: "v2", title: "Green" },
      ],
    });
    app.queryClient.setQueryData(app.queryKeys.catalog.product("p2"), { title: "Teapot", variants: [{ id: "v3", title: "Default" }] });
    app.guest.addGuestItem({ variantId: "v1", productId: "p1", quantity: 1 }, 9);
    app.guest.addGuestItem({ variantId: "v3", productId: "p2", quantity: 1 }, 9);
    app.guest.addGuestItem({ variantId: "v4", productId: "p4", quantity: 2 }, 9);
    const server = controlledMerge();
    stop = app.sync.startGuestCartSync(server.merge);
    app.signIn("u1");
    server.answer({ cart: serverCart(2), skippedVariantIds: ["v1", "v3"] });
    await app.sync.mergeInFlight();
    expect(app.toasts()).toEqual([
      "success: We moved 2 items from before you signed in into your cart.",
      "error: Not added to your cart: Stoneware mug (Blue), Teapot. Sold out, no longer listed, or from your own shop.",
    ]);
  });

  it("keeps the guest cart and says why when the merge fails; says nothing when the session is gone", async () => {
    const app = await freshApp();
    app.guest.addGuestItem({ variantId: "v1", productId: "p1", quantity: 1 }, 9);
    const server = controlledMerge();
    stop = app.sync.startGuestCartSync(server.merge);
    app.signIn("u1");
    server.fail(await errorOf(testApi.fail.mutate({ kind: "SERVICE_UNAVAILABLE", message: "The cart is busy, try again" })));
    await app.sync.mergeInFlight();
    expect(app.guest.guestItemCount.value).toBe(1);
    expect(app.toasts()).toEqual(["error: We couldn't move your guest cart into your account: The cart is busy, try again"]);
    // One attempt per sign-in: `me` refetched does not retry it in a loop.
    app.signIn("u1");
    expect(server.calls).toHaveLength(1);

    app.signIn("u2");
    server.fail(await errorOf(testApi.fail.mutate({ kind: "UNAUTHORIZED", message: "Please sign in" })));
    await app.sync.mergeInFlight();
    expect(app.guest.guestItemCount.value).toBe(1);
    expect(app.toasts()).toHaveLength(1);
  });

  it("sends nothing when the guest cart is empty", async () => {
    const app = await freshApp();
    const server = controlledMerge();
    stop = app.sync.startGuestCartSync(server.merge);
    app.signIn("u1");
    expect(server.calls).toEqual([]);
  });
});
