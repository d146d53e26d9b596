import { UNSTORABLE_TEXT_MESSAGE } from "@marketplace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CURSOR_MS_MAX, encodeCursor } from "../lib/cursor.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import type { createCaller } from "./root.ts";

/**
 * SECURITY 38 through the procedures, on PGlite and PostgreSQL: odd text and odd cursors are a
 * 400 with a field error, where they used to reach PostgreSQL and come back as a 500.
 */
type Caller = ReturnType<typeof createCaller>;
let t: TestApp;
let anon: Caller;
let buyer: Caller;
let seller: Caller;
let admin: Caller;
let categoryId: string;
let variantId: string;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.prisma;
  const [b, s, a] = await Promise.all([t.createUser(), t.createUser({ role: "SELLER" }), t.createUser({ role: "ADMIN" })]);
  const shop = await makeShop(db, s.id);
  categoryId = (await makeCategory(db)).id;
  variantId = (await makeProduct(db, shop.id, categoryId)).variants[0]!.id;
  [anon, buyer, seller, admin] = [await t.anon(), (await t.signIn(b.email)).caller, (await t.signIn(s.email)).caller, (await t.signIn(a.email)).caller];
});
afterAll(() => t.close());

/** A BAD_REQUEST whose zod error names `path` with the unstorable-text message. */
const fieldError = (path: (string | number)[]) => ({
  code: "BAD_REQUEST",
  cause: { issues: expect.arrayContaining([expect.objectContaining({ path, message: UNSTORABLE_TEXT_MESSAGE })]) },
});

const address = { name: "Bea", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };

describe("SECURITY 38: odd input is a 400, never a 500", () => {
  it("SECURITY 38: a NUL byte or a lone surrogate in any string is BAD_REQUEST with a field error", async () => {
    for (const bad of ["a\u0000b", "\uD800x"]) {
      const calls: [() => Promise<unknown>, (string | number)[]][] = [
        [() => anon.catalog.search({ q: bad }), ["q"]],
        [() => anon.catalog.product({ id: bad }), ["id"]],
        [() => anon.shop.bySlug({ slug: bad }), ["slug"]],
        [() => anon.auth.register({ email: "nul@example.test", password: "long-enough-1", name: bad }), ["name"]],
        [() => anon.auth.login({ email: "nul@example.test", password: bad }), ["password"]],
        [() => buyer.account.updateProfile({ name: bad }), ["name"]],
        [() => buyer.cart.add({ variantId: bad }), ["variantId"]],
        [() => buyer.checkout.placeOrder({ idempotencyKey: "odd-input-1", shippingAddress: { ...address, line1: bad } }), ["shippingAddress", "line1"]],
        [() => seller.shop.update({ description: bad }), ["description"]],
        [() => seller.product.create({ title: "Mug", description: bad, categoryId, variants: [{ sku: "M-1", title: "One", priceCents: 100, stock: 1 }] }), ["description"]],
        [() => seller.product.create({ title: "Mug", categoryId, variants: [{ sku: "M-1", title: bad, priceCents: 100, stock: 1 }] }), ["variants", 0, "title"]],
        [() => seller.sellerOrder.updateStatus({ id: bad, status: "PROCESSING" }), ["id"]],
        [() => admin.admin.users.list({ q: bad }), ["q"]],
        [() => admin.admin.users.ban({ id: variantId, reason: bad }), ["reason"]],
        [() => admin.admin.shops.list({ q: bad }), ["q"]],
        [() => admin.admin.activity.list({ cursor: bad }), ["cursor"]],
      ];
      for (const [call, path] of calls) await expect(call()).rejects.toMatchObject(fieldError(path));
    }
    // Characters PostgreSQL stores are fine, emoji (a surrogate pair) included.
    await expect(buyer.account.updateProfile({ name: "Bea 😀 \u0001" })).resolves.toMatchObject({ name: "Bea 😀 \u0001" });
  });

  it("SECURITY 38: cursors with times, numbers or ids outside PostgreSQL's range are BAD_REQUEST", async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const year300000 = Date.UTC(2000, 0, 1) + 298_000 * 365.25 * 86_400_000;
    const keyset = [1e20, -1e20, 8.64e15, -8.64e15, CURSOR_MS_MAX + 1, year300000, 2 ** 53, 0.5, null, "NaN"].map((t) => enc({ t, id: "x" }));
    keyset.push(enc({ t: 0, id: "a\u0000" }), enc({ t: 0, id: "\uDC00" }), enc({ t: 0, id: "" }), enc({ t: 0 }), enc([1, 2]));
    // The shops queue packs a status group into t (group * 1e13 + ms): a group it does not have is odd too.
    const groups = [enc({ t: -1e13, id: "x" }), enc({ t: 9e13, id: "x" })];
    const lists: [string, (cursor: string) => Promise<unknown>, string[]][] = [
      ["order.list", (cursor) => buyer.order.list({ cursor }), []],
      ["sellerOrder.list", (cursor) => seller.sellerOrder.list({ cursor }), []],
      ["admin.users.list", (cursor) => admin.admin.users.list({ cursor }), []],
      ["admin.activity.list", (cursor) => admin.admin.activity.list({ cursor }), []],
      ["admin.shops.list", (cursor) => admin.admin.shops.list({ cursor }), groups],
      ["admin.shops.list ACTIVE", (cursor) => admin.admin.shops.list({ status: "ACTIVE", cursor }), [...groups, enc({ t: 1e13, id: "x" })]],
    ];
    for (const [name, list, more] of lists) {
      for (const cursor of [...keyset, ...more]) {
        await expect(list(cursor).then(() => "OK", (e: { code?: string }) => e.code), `${name} ${cursor}`).resolves.toBe("BAD_REQUEST");
      }
    }
    const search: [string, unknown][] = [
      ["newest", [8.64e15]],
      ["newest", [-8.64e15]],
      ["newest", [year300000]],
      ["price_asc", [2 ** 31]],
      ["price_desc", [-(2 ** 53)]],
      ["rating", [null, 1]],
      ["rating", [4, 1e10]],
    ];
    for (const [sort, k] of search) {
      await expect(anon.catalog.search({ sort: sort as "newest", cursor: enc({ s: sort, k, id: "x" }) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(anon.catalog.search({ sort: "newest", cursor: enc({ s: "newest", k: [0], id: "x\u0000" }) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // Odd but storable keys are fine: a float8 holds them, and -0 is 0 (JSON writes it as 0, a
    // caller's -0 reaches the driver as "0").
    for (const k of [[1e308, 1], [5e-324, 0], [-0, -0]]) {
      await expect(anon.catalog.search({ sort: "rating", cursor: enc({ s: "rating", k, id: "x" }) })).resolves.toHaveProperty("items");
    }
    await expect(anon.catalog.search({ minRating: -0, minPriceCents: -0, maxPriceCents: 0 })).resolves.toHaveProperty("items");
    await expect(buyer.order.list({ cursor: encodeCursor({ t: -0, id: "x" }) })).resolves.toEqual({ items: [], nextCursor: null });
  });
});
