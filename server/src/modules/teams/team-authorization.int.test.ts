import { SHOP_PERMISSION_NAMES, SHOP_PERMISSIONS, SHOP_ROLES, roleCan, type ShopPermission, type ShopRole } from "@marketplace/shared";
import type { AnyProcedure } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeShop } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { appRouter, type createCaller } from "../../trpc/root.ts";
import type { ProcedureMeta } from "../../trpc/init.ts";

/**
 * SECURITY 46: the authorization matrix of the seller area, generated from the permission table
 * (shared/src/teams.ts) and the router: every procedure that names a permission, called by each
 * role of its own shop, by a member of another shop naming this one, and by a removed member. A
 * role that holds the permission gets past the guard (the missing input is then a BAD_REQUEST);
 * every other call is refused. Calls carry no input, so no write happens.
 */
type Caller = ReturnType<typeof createCaller>;
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const permissionOf = (p: AnyProcedure) => (p._def.meta as ProcedureMeta | undefined)?.permission;
const shopProcedures = procedures.filter(([, p]) => permissionOf(p)).map(([path, p]) => [path, permissionOf(p)!] as const);
/** Mutations that take no input (shop.team.leave) run for real: the team is put back after each. */
const writesWithoutInput = new Set(procedures.filter(([, p]) => p._def.type === "mutation" && p._def.inputs.length === 0).map(([path]) => path));

/** The routers of the seller area: each of their procedures names a permission, or is listed here with the reason it does not. */
const SELLER_AREA = /^(sellerOrder|seller|product|payout|shop\.team)\./;
const SELLER_AREA_WITHOUT_PERMISSION: Record<string, string> = {
  "shop.team.accept": "the invited person, who is not a member yet; checked by the invitation's token and email",
};
/** Permissions in the table that no procedure of this branch uses yet, each with the reason. */
const NOT_WIRED_HERE: Partial<Record<ShopPermission, string>> = {};

let t: TestApp;
let shopA: string;
const members = {} as Record<ShopRole, { id: string; token: string }>;
let outsider: { id: string; token: string };
let removed: { id: string; token: string };

async function person() {
  const user = await t.createUser();
  const { token } = await t.signIn(user.email);
  return { id: user.id, token };
}

function procedureOf(caller: Caller, path: string): (input?: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return node as (input?: unknown) => Promise<unknown>;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (err) {
    return err instanceof TRPCError ? err.code : `NOT_A_TRPC_ERROR ${String(err)}`;
  }
}

beforeAll(async () => {
  t = await createTestApp({ config: { SWEEP_INTERVAL_SECONDS: "0" } });
  const db = t.database.prisma;
  const owner = await person();
  members.OWNER = owner;
  shopA = (await makeShop(db, owner.id, { name: "Matrix A" })).id;
  for (const role of SHOP_ROLES.filter((r) => r !== "OWNER")) {
    members[role] = await person();
    await db.shopMember.create({ data: { shopId: shopA, userId: members[role].id, role } });
  }
  outsider = await person();
  await makeShop(db, outsider.id, { name: "Matrix B" });
  removed = await person();
  await db.shopMember.create({ data: { shopId: shopA, userId: removed.id, role: "MANAGER" } });
  await (await t.as(owner.token)).shop.team.remove({ userId: removed.id });
}, 300_000);
afterAll(() => t.close());

/** Puts every member of shop A back in their role (a call such as shop.team.leave may have moved one). */
async function restoreTeam() {
  const db = t.database.prisma;
  for (const role of SHOP_ROLES) {
    await db.shopMember.upsert({ where: { shopId_userId: { shopId: shopA, userId: members[role].id } }, create: { shopId: shopA, userId: members[role].id, role }, update: { role } });
  }
  await db.shopMember.deleteMany({ where: { shopId: shopA, userId: removed.id } });
}

describe("SECURITY 46: the seller area's authorization matrix", () => {
  it("SECURITY 46: every seller-area procedure names a permission of the table, and every permission is used", () => {
    expect(shopProcedures.length).toBeGreaterThanOrEqual(18);
    const undecided = procedures
      .map(([path, p]) => [path, p] as const)
      .filter(([path, p]) => (SELLER_AREA.test(path) || path === "shop.update" || path === "review.reply" || path === "review.forMyShop") && !permissionOf(p) && !SELLER_AREA_WITHOUT_PERMISSION[path])
      .map(([path]) => path);
    expect(undecided, "seller procedures without a decision: give each shopProcedure(<permission>)").toEqual([]);
    for (const [, permission] of shopProcedures) expect(SHOP_PERMISSION_NAMES).toContain(permission);
    const used = new Set(shopProcedures.map(([, permission]) => permission));
    const unused = SHOP_PERMISSION_NAMES.filter((p) => !used.has(p) && !NOT_WIRED_HERE[p]);
    expect(unused).toEqual([]);
    // OWNER holds everything; payouts and the team are the owner's alone.
    for (const p of SHOP_PERMISSION_NAMES) expect(roleCan("OWNER", p)).toBe(true);
    expect(SHOP_PERMISSIONS.payouts.roles).toEqual(["OWNER"]);
    expect(SHOP_PERMISSIONS["team.manage"].roles).toEqual(["OWNER"]);
  });

  it("SECURITY 46: each role reaches exactly what the table gives it; another shop's member and a removed member reach nothing", async () => {
    const wrong: string[] = [];
    let refused = 0;
    let allowed = 0;
    const expectCall = async (label: string, call: () => Promise<unknown>, expected: "PASS" | string) => {
      const code = await codeOf(call());
      if (writesWithoutInput.has(label.split(" ")[0]!)) await restoreTeam();
      const ok = expected === "PASS" ? code === "OK" || code === "BAD_REQUEST" || code === "NOT_FOUND" || code === "CONFLICT" : code === expected;
      if (!ok) wrong.push(`${label}: ${code} (expected ${expected})`);
      if (expected === "PASS") allowed += 1;
      else refused += 1;
    };
    for (const [path, permission] of shopProcedures) {
      for (const role of SHOP_ROLES) {
        const expected = roleCan(role, permission) ? "PASS" : "FORBIDDEN";
        // Their only shop, unnamed; named by the header; named in the input.
        await expectCall(`${path} as ${role}`, async () => procedureOf(await t.as(members[role].token), path)(undefined), expected);
        await expectCall(`${path} as ${role} (x-shop-id)`, async () => procedureOf(await t.as(members[role].token, { shopId: shopA }), path)(undefined), expected);
        await expectCall(`${path} as ${role} ({shopId})`, async () => procedureOf(await t.as(members[role].token), path)({ shopId: shopA }), expected);
      }
      // An owner of shop B naming shop A, by header and by input: not a member.
      await expectCall(`${path} as another shop's owner (x-shop-id)`, async () => procedureOf(await t.as(outsider.token, { shopId: shopA }), path)(undefined), "FORBIDDEN");
      await expectCall(`${path} as another shop's owner ({shopId})`, async () => procedureOf(await t.as(outsider.token), path)({ shopId: shopA }), "FORBIDDEN");
      // A removed member: shop A named is FORBIDDEN; unnamed, they have no shop at all.
      await expectCall(`${path} as a removed member (x-shop-id)`, async () => procedureOf(await t.as(removed.token, { shopId: shopA }), path)(undefined), "FORBIDDEN");
      await expectCall(`${path} as a removed member`, async () => procedureOf(await t.as(removed.token), path)(undefined), "NOT_FOUND");
    }
    expect(wrong).toEqual([]);
    // Printed for the record: how many calls the matrix makes.
    console.info(`SECURITY 46 matrix: ${shopProcedures.length} procedures, ${allowed} calls let through, ${refused} refused`);
    expect(refused).toBeGreaterThan(150);
  }, 900_000);

  it("SECURITY 46: a member of several shops must choose one; a choice outside their shops is refused", async () => {
    await restoreTeam();
    const db = t.database.prisma;
    // The FULFILMENT member of A also owns a shop of their own.
    const own = await makeShop(db, members.FULFILMENT.id, { name: "Packer's own" });
    try {
      const unnamed = await t.as(members.FULFILMENT.token);
      await expect(unnamed.sellerOrder.list({})).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect((await unnamed.shop.memberships()).map((m) => [m.id, m.role]).sort()).toEqual([[own.id, "OWNER"], [shopA, "FULFILMENT"]].sort());
      // In their own shop they are the owner; in A, fulfilment.
      await expect((await t.as(members.FULFILMENT.token, { shopId: own.id })).seller.stats({})).resolves.toBeDefined();
      await expect((await t.as(members.FULFILMENT.token, { shopId: shopA })).seller.stats({})).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await (await t.as(members.FULFILMENT.token, { shopId: shopA })).shop.mine())?.role).toBe("FULFILMENT");
      await expect((await t.as(members.FULFILMENT.token, { shopId: "not-a-shop" })).sellerOrder.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await db.shop.delete({ where: { id: own.id } });
    }
  });
});
