import { inspect } from "node:util";
import { CATALOG_SORTS } from "@marketplace/shared";
import type { AnyProcedure } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createSession } from "../modules/auth/session.service.ts";
import { makeCategory, makeProduct, makeShop } from "../test/factories.ts";
import { createTestApp, type TestApp } from "../test/harness.ts";
import { nastyString, oddNumber, oddValue, operatorSoup, zodArbitrary } from "../test/zod-arbitrary.ts";
import { appRouter, type createCaller } from "./root.ts";

/**
 * SECURITY 38: a fuzz over every procedure's input. For each procedure of the app router and each
 * kind of caller (anonymous, buyer, seller of an ACTIVE shop, admin), inputs are generated from
 * the procedure's own zod schema (test/zod-arbitrary.ts): mostly valid, with real ids and cursors
 * mixed in so calls reach the services and the SQL, and odd leaves (NUL bytes, far dates, numbers
 * past every range, BigInt, Map, deep objects, wrong types). Any answer but a 500 is fine.
 *
 * Deterministic: a fixed seed (SECURITY_38_SEED overrides it, SECURITY_38_RUNS the runs per
 * procedure and caller); a failure prints the seed, the procedure, the caller and the input.
 */
const SEED = Number(process.env.SECURITY_38_SEED ?? 38_2026);
const RUNS = Number(process.env.SECURITY_38_RUNS ?? 10);

type Caller = ReturnType<typeof createCaller>;
type Actor = "anon" | "buyer" | "seller" | "admin";
const ACTORS: Actor[] = ["anon", "buyer", "seller", "admin"];

/**
 * 500s found by the fuzz in code another engineer owns (money: checkout, payments, orders, cart),
 * left to be fixed there. Each is as narrow as possible: the procedure and the database's message.
 */
/**
 * 500s known and accepted, each with its reason; empty today. (Totals past 32 bits in the
 * checkout were one: they are now a BAD_REQUEST below MAX_ORDER_TOTAL_CENTS.)
 */
const KNOWN_EXCLUSIONS: { path: string; cause: RegExp; why: string }[] = [];

let t: TestApp;
let users: Record<Exclude<Actor, "anon">, { id: string; role: "BUYER" | "SELLER" | "ADMIN" }>;
let shopId: string;
let ids: string[];
let slugs: string[];
let cursors: string[];

const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

beforeAll(async () => {
  t = await createTestApp({ config: { SWEEP_INTERVAL_SECONDS: "0" } });
  const db = t.database.prisma;
  const [buyer, seller, admin] = await Promise.all([t.createUser(), t.createUser({ role: "SELLER" }), t.createUser({ role: "ADMIN" })]);
  users = { buyer: { id: buyer.id, role: "BUYER" }, seller: { id: seller.id, role: "SELLER" }, admin: { id: admin.id, role: "ADMIN" } };
  const shop = await makeShop(db, seller.id);
  shopId = shop.id;
  const parent = await makeCategory(db, { name: "Home" });
  const child = await makeCategory(db, { name: "Mugs", parentId: parent.id });
  const products = [];
  for (let i = 0; i < 4; i++) {
    products.push(await makeProduct(db, shop.id, i % 2 ? parent.id : child.id, { title: `Blue mug ${i}`, description: "stoneware", variants: [{ priceCents: 1200 + i, stock: 50 }, { priceCents: 3000, stock: 5 }] }));
  }
  // The dearest a seller may list (100,000,000 cents), so that carts can hold totals past 32 bits.
  await makeProduct(db, shop.id, parent.id, { title: "Gold espresso machine", variants: [{ priceCents: 100_000_000, stock: 100_000 }] });
  // A paid order and an unpaid one, so order, seller-order and payment procedures find rows.
  const b = (await t.signIn(buyer.email)).caller;
  const address = { name: "Bea", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" };
  for (const [k, pay] of [["fuzz-order-1", true], ["fuzz-order-2", false]] as const) {
    await b.cart.add({ variantId: products[0]!.variants[0]!.id, quantity: 1 });
    const placed = await b.checkout.placeOrder({ idempotencyKey: k, shippingAddress: address });
    if (pay) await b.payment.confirmTest({ id: placed.orderId });
  }
  await b.cart.add({ variantId: products[1]!.variants[0]!.id, quantity: 2 });

  const rows = await Promise.all([
    db.user.findMany({ select: { id: true } }),
    db.shop.findMany({ select: { id: true, slug: true } }),
    db.category.findMany({ select: { id: true } }),
    db.product.findMany({ select: { id: true } }),
    db.variant.findMany({ select: { id: true } }),
    db.order.findMany({ select: { id: true } }),
    db.sellerOrder.findMany({ select: { id: true } }),
    db.session.findMany({ select: { id: true } }),
  ]);
  ids = rows.flat().map((r) => r.id);
  slugs = (await db.shop.findMany({ select: { slug: true } })).map((s) => s.slug);
  // Real cursors of every paged list, made with a page of one.
  const a = await callersNow();
  cursors = [
    (await a.admin.admin.users.list({ limit: 1 })).nextCursor,
    (await a.admin.admin.activity.list({ limit: 1 })).nextCursor,
    (await a.admin.admin.shops.list({ limit: 1 })).nextCursor,
    (await a.anon.catalog.search({ limit: 1 })).nextCursor,
    (await a.anon.catalog.search({ q: "mug", limit: 1 })).nextCursor,
    (await a.anon.catalog.search({ sort: "rating", limit: 1 })).nextCursor,
  ].filter((c): c is string => c !== null);
});
afterAll(() => t.close());

/**
 * Fresh callers, with the actors put back as they were: an earlier procedure's fuzz may have
 * banned one, changed a role, suspended the shop, logged out or revoked a session.
 */
async function callersNow(): Promise<Record<Actor, Caller>> {
  const db = t.database.prisma;
  const out: Partial<Record<Actor, Caller>> = { anon: await t.anon() };
  for (const actor of ["buyer", "seller", "admin"] as const) {
    const u = users[actor];
    await db.user.update({ where: { id: u.id }, data: { status: "ACTIVE", role: u.role } });
    const { token } = await createSession(db, u.id, { ip: "10.0.0.9", userAgent: null, ttlDays: 1 });
    out[actor] = await t.as(token);
  }
  await db.shop.update({ where: { id: shopId }, data: { status: "ACTIVE" } });
  return out as Record<Actor, Caller>;
}

/** Times a Date holds and PostgreSQL may not, and the edges of what a cursor may carry. */
const farTime = fc.oneof(fc.integer({ min: -9e15, max: 9e15 }), fc.constantFrom(8.64e15, -8.64e15, 253_402_300_800_000, -62_135_596_800_001));

/** A real cursor with one of its numbers or its id replaced by an odd one. */
const mutatedCursor = (): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...cursors), fc.oneof(oddNumber, farTime), nastyString(70), fc.nat(3)).map(([cursor, n, id, which]) => {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { t?: number; k?: number[]; id: string };
    if (which === 0) c.id = id;
    else if (c.k) c.k[Math.min(which - 1, c.k.length - 1)] = n;
    else c.t = n;
    return enc(c);
  });

/** Cursors: real ones, real ones mutated, and crafted ones no database column can hold. */
const cursorArbitrary = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(...cursors),
    { arbitrary: mutatedCursor(), weight: 4 },
    fc.record({ t: oddNumber, id: fc.oneof(fc.constantFrom(...ids), nastyString(70)) }).map(enc),
    fc.record({ s: fc.constantFrom(...CATALOG_SORTS), k: fc.array(oddNumber, { maxLength: 3 }), id: fc.oneof(fc.constantFrom(...ids), nastyString(70)), q: fc.string({ maxLength: 12 }) }).map(enc),
    oddValue.map((v) => enc(v === undefined ? null : v instanceof Map || typeof v === "bigint" ? String(v) : v)),
    fc.base64String({ maxLength: 80 }),
  );

/** The caller's function for a procedure path such as `admin.users.list`. */
function procedureOf(caller: Caller, path: string): (input: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as (input: unknown) => Promise<unknown>;
}

interface Failure {
  path: string;
  actor: Actor;
  input: unknown;
  message: string;
}

describe("SECURITY 38: fuzzing every procedure's input", () => {
  it("SECURITY 38: no procedure answers 500 to any input its schema generator makes", async () => {
    // Typed as the nested router record; at run time a flat map from "admin.users.list" to procedure.
    const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
    expect(procedures.length).toBeGreaterThan(40);
    const byKey: Record<string, fc.Arbitrary<unknown>> = {
      cursor: cursorArbitrary(),
      slug: fc.constantFrom(...slugs),
      q: fc.oneof(fc.constantFrom("mug", "blue mugs", "stonewere", "-mug", '"blue mug"'), nastyString(200), operatorSoup),
    };
    for (const key of ["id", "variantId", "categoryId", "shopId", "sellerOrderId", "productId"]) byKey[key] = fc.constantFrom(...ids);

    const failures: Failure[] = [];
    let calls = 0;
    for (const [index, [path, procedure]] of procedures.entries()) {
      const schema = procedure._def.inputs[0] as z.core.$ZodType | undefined;
      const arbitrary = schema ? zodArbitrary(schema, { byKey }) : oddValue;
      const callers = await callersNow();
      for (const [a, actor] of ACTORS.entries()) {
        const call = procedureOf(callers[actor], path);
        for (const input of fc.sample(arbitrary, { seed: SEED + index * ACTORS.length + a, numRuns: RUNS })) {
          calls += 1;
          try {
            await call(input);
          } catch (err) {
            const code = err instanceof TRPCError ? err.code : "NOT_A_TRPC_ERROR";
            if (code !== "INTERNAL_SERVER_ERROR" && code !== "NOT_A_TRPC_ERROR") continue;
            const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
            if (KNOWN_EXCLUSIONS.some((x) => x.path === path && x.cause.test(cause))) continue;
            failures.push({ path, actor, input, message: cause });
          }
        }
      }
    }
    // Prisma's messages quote the calling code first; the database's own words come last.
    const reason = (message: string) => message.trim().split("\n").at(-1)!.slice(0, 300);
    const report = failures
      .slice(0, 25)
      .map((f) => `${f.path} as ${f.actor}: ${reason(f.message)}\n  input: ${inspect(f.input, { depth: 6, maxStringLength: 120, breakLength: 160 })}`)
      .join("\n");
    expect(failures.length, `seed ${SEED}, ${calls} calls, ${failures.length} answered 500:\n${report}`).toBe(0);
  });
});
