import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usingPostgres } from "../../test/db.ts";
import { ORDER_TEST_CONFIG, twoShopOrderMaker } from "../../test/factories.ts";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { rooms } from "../../realtime/publish.ts";
import { BAD_INVITE, LAST_OWNER, WRONG_EMAIL } from "./team.service.ts";
import { tampered } from "../../test/tamper.ts";

/**
 * Shop teams through the procedures: invitations (single use, expiring, for one verified email),
 * the last-owner rules, what Fulfilment sees of an order, and the audit of who did what.
 */
let t: TestApp;
let orders: Awaited<ReturnType<typeof twoShopOrderMaker>>;

beforeAll(async () => {
  t = await createTestApp({ config: ORDER_TEST_CONFIG });
  orders = await twoShopOrderMaker(t, "teams");
});
afterAll(() => t.close());

const db = () => t.database.prisma;
const tokenOf = (inviteUrl: string) => new URL(inviteUrl).searchParams.get("token")!;

/** A shop with its owner, and someone with an account to invite (verified unless said otherwise). */
async function shopAndInvitee(opts: { verified?: boolean; name?: string } = {}) {
  const a = await orders.shop(1500, 100);
  const person = await t.createUser({ verified: opts.verified, name: opts.name });
  const signedIn = await t.signIn(person.email);
  return { ...a, person, invitee: signedIn.caller, inviteeToken: signedIn.token };
}

describe("SECURITY 47: invitations", () => {
  it("SECURITY 47: are mailed through the outbox with a single-use link that makes the invited person a member once", async () => {
    const { seller, shop, person, invitee } = await shopAndInvitee();
    const { inviteUrl } = await seller.shop.team.invite({ email: person.email.toUpperCase(), role: "FULFILMENT" });
    expect(inviteUrl).toMatch(/\/team\/join\?token=[\w-]{43}$/);
    const mail = await db().mailOutbox.findFirstOrThrow({ where: { template: "team_invite", toAddress: person.email } });
    expect(JSON.stringify(mail)).toContain(tokenOf(inviteUrl));
    // Only a hash of the token is stored with the invitation.
    expect(JSON.stringify(await db().shopInvite.findMany({ where: { shopId: shop.id } }))).not.toContain(tokenOf(inviteUrl));
    const joined = await invitee.shop.team.accept({ token: tokenOf(inviteUrl) });
    expect(joined).toMatchObject({ shop: { id: shop.id }, role: "FULFILMENT" });
    // Their open sockets join the shop's room (not its money room), after the commit.
    expect(t.sink.roomChanges).toContainEqual({ action: "join", of: [rooms.user(person.id)], rooms: [rooms.shop(shop.id)] });
    // Reused: refused, and nothing changes.
    await expect(invitee.shop.team.accept({ token: tokenOf(inviteUrl) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: BAD_INVITE });
    const list = await seller.shop.team.list();
    expect(list.members.map((m) => [m.email, m.role])).toContainEqual([person.email, "FULFILMENT"]);
    expect(list.invites).toEqual([]);
    // Inviting a member again is a conflict.
    await expect(seller.shop.team.invite({ email: person.email, role: "VIEWER" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("SECURITY 47: an expired, altered, revoked or superseded link is refused", async () => {
    const { seller, person, invitee } = await shopAndInvitee();
    const first = await seller.shop.team.invite({ email: person.email, role: "VIEWER" });
    const second = await seller.shop.team.invite({ email: person.email, role: "MANAGER" });
    await expect(invitee.shop.team.accept({ token: tokenOf(first.inviteUrl) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(invitee.shop.team.accept({ token: tampered(tokenOf(second.inviteUrl)) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await db().shopInvite.updateMany({ where: { email: person.email, acceptedAt: null, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(invitee.shop.team.accept({ token: tokenOf(second.inviteUrl) })).rejects.toMatchObject({ code: "BAD_REQUEST", message: BAD_INVITE });
    const third = await seller.shop.team.invite({ email: person.email, role: "VIEWER" });
    const pending = (await seller.shop.team.list()).invites;
    expect(pending.map((i) => i.email)).toEqual([person.email]);
    await seller.shop.team.revokeInvite({ id: pending[0]!.id });
    await expect(invitee.shop.team.accept({ token: tokenOf(third.inviteUrl) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().shopMember.count({ where: { userId: person.id } })).toBe(0);
  });

  it("SECURITY 47: another account, or the right address not yet verified, cannot accept; the link stays good for the right person", async () => {
    const { seller, person, inviteeToken } = await shopAndInvitee({ verified: false });
    const { inviteUrl } = await seller.shop.team.invite({ email: person.email, role: "MANAGER" });
    const stranger = (await t.signIn((await t.createUser()).email)).caller;
    await expect(stranger.shop.team.accept({ token: tokenOf(inviteUrl) })).rejects.toMatchObject({ code: "FORBIDDEN", message: WRONG_EMAIL });
    // The owner, who saw the link, cannot take it either.
    await expect(seller.shop.team.accept({ token: tokenOf(inviteUrl) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const unverified = await t.as(inviteeToken);
    await expect(unverified.shop.team.accept({ token: tokenOf(inviteUrl) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await db().user.update({ where: { id: person.id }, data: { emailVerifiedAt: new Date() } });
    expect((await (await t.as(inviteeToken)).shop.team.accept({ token: tokenOf(inviteUrl) })).role).toBe("MANAGER");
  });

  it.skipIf(!usingPostgres)("SECURITY 47: one link accepted by two requests at once makes one member (PostgreSQL)", async () => {
    for (let round = 0; round < 5; round++) {
      const { seller, person, inviteeToken } = await shopAndInvitee();
      const { inviteUrl } = await seller.shop.team.invite({ email: person.email, role: "VIEWER" });
      const callers = await Promise.all([t.as(inviteeToken), t.as(inviteeToken), t.as(inviteeToken)]);
      const results = await Promise.allSettled(callers.map((c) => c.shop.team.accept({ token: tokenOf(inviteUrl) })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "BAD_REQUEST" });
      expect(await db().shopMember.count({ where: { userId: person.id } })).toBe(1);
    }
  });
});

describe("the last owner", () => {
  it("cannot be demoted nor removed, nor leave; with a second owner either may go", async () => {
    const { seller, owner, shop, person, invitee, inviteeToken } = await shopAndInvitee();
    await expect(seller.shop.team.setRole({ userId: owner.id, role: "MANAGER" })).rejects.toMatchObject({ code: "CONFLICT", message: LAST_OWNER });
    await expect(seller.shop.team.remove({ userId: owner.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(seller.shop.team.leave()).rejects.toMatchObject({ code: "CONFLICT" });
    const { inviteUrl } = await seller.shop.team.invite({ email: person.email, role: "OWNER" });
    await invitee.shop.team.accept({ token: tokenOf(inviteUrl) });
    // Two owners: one demotes the founder; the new last owner is held again.
    const second = await t.as(inviteeToken);
    await second.shop.team.setRole({ userId: owner.id, role: "VIEWER" });
    await expect(second.shop.team.leave()).rejects.toMatchObject({ code: "CONFLICT" });
    // The founder, a viewer now, manages nothing.
    await expect(seller.shop.team.setRole({ userId: person.id, role: "VIEWER" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await seller.shop.team.leave();
    expect(await db().shopMember.findMany({ where: { shopId: shop.id }, select: { userId: true, role: true } })).toEqual([{ userId: person.id, role: "OWNER" }]);
  });

  it.skipIf(!usingPostgres)("two owners demoting each other at once leave one owner (PostgreSQL)", async () => {
    const { seller, owner, shop, person, invitee, inviteeToken } = await shopAndInvitee();
    const { inviteUrl } = await seller.shop.team.invite({ email: person.email, role: "OWNER" });
    await invitee.shop.team.accept({ token: tokenOf(inviteUrl) });
    const second = await t.as(inviteeToken);
    const results = await Promise.allSettled([seller.shop.team.setRole({ userId: person.id, role: "MANAGER" }), second.shop.team.setRole({ userId: owner.id, role: "MANAGER" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().shopMember.count({ where: { shopId: shop.id, role: "OWNER" } })).toBe(1);
  });
});

describe("Fulfilment and the audit", () => {
  it("a packer sees orders without prices and ships one; the order's timeline and the activity log name them with their role", async () => {
    const a = await shopAndInvitee({ name: "Ana" });
    const b = await orders.shop(900, 100);
    const { inviteUrl } = await a.seller.shop.team.invite({ email: a.person.email, role: "FULFILMENT" });
    await a.invitee.shop.team.accept({ token: tokenOf(inviteUrl) });
    const bea = await orders.buyer();
    const { orderId, soA } = await orders.order(bea, a, b);
    await bea.caller.payment.confirmTest({ id: orderId });

    const packer = await t.as(a.inviteeToken);
    const seen = await packer.sellerOrder.get({ id: soA });
    expect(seen.subtotalCents).toBeNull();
    expect(seen.items.every((i) => i.unitPriceCents === null && i.lineTotalCents === null)).toBe(true);
    expect((await packer.sellerOrder.list({})).items[0]?.subtotalCents).toBeNull();
    expect((await a.seller.sellerOrder.get({ id: soA })).subtotalCents).toBe(3000);
    await expect(packer.product.listMine({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(packer.sellerOrder.cancel({ id: soA })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await packer.sellerOrder.updateStatus({ id: soA, status: "PROCESSING" });
    await packer.sellerOrder.updateStatus({ id: soA, status: "SHIPPED", trackingNumber: "TRACK-ANA-1" });
    const timeline = (await a.seller.sellerOrder.get({ id: soA })).timeline;
    expect(timeline.map((e) => [e.status, e.actorName, e.actorRole])).toEqual([
      ["PROCESSING", "Ana", "FULFILMENT"],
      ["SHIPPED", "Ana", "FULFILMENT"],
    ]);
    const logged = await db().activity.findFirstOrThrow({ where: { subjectId: soA, kind: "order.status_changed" }, orderBy: { createdAt: "desc" } });
    expect(logged).toMatchObject({ actorId: a.person.id, summary: expect.stringMatching(/^Ana \(Fulfilment\) of .+: marked an order shipped$/) });
    // The role at the time stays in the record after a role change.
    await a.seller.shop.team.setRole({ userId: a.person.id, role: "MANAGER" });
    expect((await a.seller.sellerOrder.get({ id: soA })).timeline.at(-1)).toMatchObject({ actorName: "Ana", actorRole: "FULFILMENT" });
    // A manager's cancellation of another order shows in its timeline too.
    const second = await orders.order(bea, a, b);
    await bea.caller.payment.confirmTest({ id: second.orderId });
    await (await t.as(a.inviteeToken)).sellerOrder.cancel({ id: second.soA });
    expect((await a.seller.sellerOrder.get({ id: second.soA })).timeline).toMatchObject([{ status: "CANCELLED", actorName: "Ana", actorRole: "MANAGER" }]);
  });

  it("seller-side changes record the acting member: products, the shop's settings, team changes", async () => {
    const a = await shopAndInvitee({ name: "Max" });
    const { inviteUrl } = await a.seller.shop.team.invite({ email: a.person.email, role: "MANAGER" });
    await a.invitee.shop.team.accept({ token: tokenOf(inviteUrl) });
    const manager = await t.as(a.inviteeToken);
    const product = await manager.product.create({ title: "Teapot", description: "Cast iron", categoryId: orders.categoryId, images: [], variants: [{ sku: "TEA-1", title: "One", priceCents: 2500, stock: 3 }] });
    await manager.product.archive({ id: product.id });
    await manager.shop.update({ description: "Now with teapots" });
    const kinds = await db().activity.findMany({ where: { actorId: a.person.id }, select: { kind: true, data: true }, orderBy: { createdAt: "asc" } });
    expect(kinds.map((k) => k.kind)).toEqual(["team.joined", "product.created", "product.archived", "shop.updated"]);
    expect(kinds.slice(1).every((k) => (k.data as { memberRole?: string }).memberRole === "MANAGER")).toBe(true);
    // A manager cannot touch the team.
    await expect(manager.shop.team.invite({ email: "someone@example.test", role: "VIEWER" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
