import { randomBytes } from "node:crypto";
import { permissionsOf, SHOP_ROLE_LABELS, TEAM_INVITE_TTL_DAYS, type ShopRole, type TeamAcceptInput, type TeamInviteInput, type TeamSetRoleInput } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { conflict, DomainError, forbidden, notFound } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope, ShopScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { hashToken } from "../auth/session.service.ts";
import { enqueueMail } from "../mail/outbox.ts";
import { recordShopChange } from "./audit.ts";
import { isRefusal, membershipsOf, resolveMembership } from "./membership.ts";
import { followMembership } from "./team-rooms.ts";

const DAY_MS = 86_400_000;
/** One message for a link that is unknown, altered, used, revoked or expired. */
export const BAD_INVITE = "This invitation is invalid, was already used or has expired. Ask the shop for a new one.";
export const WRONG_EMAIL = "This invitation is for another email address: sign in with the address it was sent to";
export const LAST_OWNER = "A shop needs at least one owner: make someone else an owner first";

/** The path of an invitation's link (the client's page that accepts it). */
export const invitePath = (token: string) => `/team/join?token=${encodeURIComponent(token)}`;

/**
 * Invites an email address to the shop with a role: a single-use link that expires after
 * TEAM_INVITE_TTL_DAYS, mailed through the outbox in this transaction and given back to the owner
 * to copy. An earlier pending invitation of the same address is withdrawn (only the newest works).
 */
export async function inviteMember(ctx: ShopScope, input: TeamInviteInput) {
  const already = await ctx.db.shopMember.count({ where: { shopId: ctx.shop.id, user: { email: input.email } } });
  if (already) throw conflict(`${input.email} is already a member of ${ctx.shop.name}`);
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  return inTransaction(ctx, async (tx, events) => {
    await tx.shopInvite.updateMany({ where: { shopId: ctx.shop.id, email: input.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
    const invite = await tx.shopInvite.create({
      data: { shopId: ctx.shop.id, email: input.email, role: input.role, tokenHash: hashToken(token), invitedById: ctx.user.id, expiresAt: new Date(now.getTime() + TEAM_INVITE_TTL_DAYS * DAY_MS) },
      select: { id: true, email: true, role: true, expiresAt: true },
    });
    await enqueueMail(tx, {
      to: input.email,
      template: "team_invite",
      data: { inviterName: ctx.user.name, shopName: ctx.shop.name, roleLabel: SHOP_ROLE_LABELS[input.role], link: invitePath(token), expiresInDays: TEAM_INVITE_TTL_DAYS },
    });
    await recordShopChange(tx, events, ctx, {
      kind: "team.invited",
      summary: `invited ${input.email} as ${SHOP_ROLE_LABELS[input.role]}`,
      subject: { type: "shop_invite", id: invite.id },
      data: { role: input.role },
    });
    return { invite, inviteUrl: `${ctx.deps.config.publicUrl}${invitePath(token)}` };
  });
}

/**
 * Accepts an invitation: the signed-in user's verified email must be the one invited (the link
 * alone proves nothing: its owner saw it too). Spent by a guarded update, so two requests with one
 * link make one member; a wrong address leaves the invitation usable by the right one.
 */
export async function acceptInvite(ctx: AuthedScope, input: TeamAcceptInput) {
  const invite = await ctx.db.shopInvite.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { id: true, shopId: true, email: true, role: true, shop: { select: { name: true, slug: true } } },
  });
  if (!invite) throw new DomainError("BAD_REQUEST", BAD_INVITE);
  if (invite.email !== ctx.user.email.toLowerCase()) throw forbidden(WRONG_EMAIL);
  if (!ctx.user.emailVerified) {
    throw new DomainError("FORBIDDEN", "Confirm your email address first: use the link we sent you, then open the invitation again", undefined, { emailUnverified: true });
  }
  const now = new Date();
  return inTransaction(ctx, async (tx, events) => {
    const { count } = await tx.shopInvite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (count === 0) throw new DomainError("BAD_REQUEST", BAD_INVITE);
    try {
      // A savepoint would be needed to go on after a unique violation; the rollback is the answer.
      await tx.shopMember.create({ data: { shopId: invite.shopId, userId: ctx.user.id, role: invite.role } });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`You are already a member of ${invite.shop.name}`);
      throw err;
    }
    followMembership(events, ctx.user.id, invite.shopId, invite.role);
    await recordActivity(tx, events, {
      kind: "team.joined",
      summary: `${ctx.user.name} joined ${invite.shop.name} as ${SHOP_ROLE_LABELS[invite.role]}`,
      actorId: ctx.user.id,
      actorName: ctx.user.name,
      subject: { type: "shop", id: invite.shopId },
      data: { shopId: invite.shopId, memberRole: invite.role },
    });
    return { shop: { id: invite.shopId, name: invite.shop.name, slug: invite.shop.slug }, role: invite.role };
  });
}

/** The shop's members and pending invitations. */
export async function listTeam(ctx: ShopScope) {
  const [members, invites] = await Promise.all([
    ctx.db.shopMember.findMany({
      where: { shopId: ctx.shop.id },
      select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    ctx.db.shopInvite.findMany({
      where: { shopId: ctx.shop.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, invitedBy: { select: { name: true } } },
      orderBy: { createdAt: "desc" },
    }),
  ]);
  return {
    members: members.map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, role: m.role, joinedAt: m.createdAt, isYou: m.user.id === ctx.user.id })),
    invites,
  };
}

/**
 * Team changes run one at a time per shop, under the shop row's lock: two owners demoting or
 * removing each other at once cannot leave the shop without an owner.
 */
async function lockTeam(tx: Tx, shopId: string) {
  await tx.$queryRaw`SELECT id FROM "shops" WHERE id = ${shopId} FOR UPDATE`;
}

async function memberToChange(tx: Tx, shopId: string, userId: string) {
  const member = await tx.shopMember.findUnique({ where: { shopId_userId: { shopId, userId } }, select: { id: true, role: true, user: { select: { name: true } } } });
  if (!member) throw notFound("Member");
  return member;
}

async function ownersLeft(tx: Tx, shopId: string): Promise<number> {
  return tx.shopMember.count({ where: { shopId, role: "OWNER" } });
}

/** An owner changes a member's role; the last owner cannot be demoted. Open sockets follow at once. */
export async function setMemberRole(ctx: ShopScope, input: TeamSetRoleInput) {
  return inTransaction(ctx, async (tx, events) => {
    await lockTeam(tx, ctx.shop.id);
    const member = await memberToChange(tx, ctx.shop.id, input.userId);
    if (member.role === input.role) return { userId: input.userId, role: input.role };
    if (member.role === "OWNER" && (await ownersLeft(tx, ctx.shop.id)) <= 1) throw conflict(LAST_OWNER);
    await tx.shopMember.update({ where: { id: member.id }, data: { role: input.role } });
    followMembership(events, input.userId, ctx.shop.id, input.role);
    await recordShopChange(tx, events, ctx, {
      kind: "team.role_changed",
      summary: `made ${member.user.name} ${SHOP_ROLE_LABELS[input.role]} (was ${SHOP_ROLE_LABELS[member.role]})`,
      subject: { type: "user", id: input.userId },
      data: { from: member.role, to: input.role },
    });
    return { userId: input.userId, role: input.role };
  });
}

/** An owner removes a member (themselves too, unless they are the last owner). Their sockets leave the shop's rooms at once. */
export async function removeMember(ctx: ShopScope, userId: string) {
  return inTransaction(ctx, async (tx, events) => {
    await lockTeam(tx, ctx.shop.id);
    const member = await memberToChange(tx, ctx.shop.id, userId);
    if (member.role === "OWNER" && (await ownersLeft(tx, ctx.shop.id)) <= 1) throw conflict(LAST_OWNER);
    await tx.shopMember.delete({ where: { id: member.id } });
    followMembership(events, userId, ctx.shop.id, null);
    await recordShopChange(tx, events, ctx, {
      kind: "team.removed",
      summary: userId === ctx.user.id ? "left the team" : `removed ${member.user.name} (${SHOP_ROLE_LABELS[member.role]})`,
      subject: { type: "user", id: userId },
      data: { role: member.role },
    });
    return { userId };
  });
}

/** Any member leaves the shop; the last owner cannot. */
export async function leaveShop(ctx: ShopScope) {
  return removeMember(ctx, ctx.user.id);
}

/** An owner withdraws a pending invitation: its link stops working. */
export async function revokeInvite(ctx: ShopScope, id: string) {
  const { count } = await ctx.db.shopInvite.updateMany({ where: { id, shopId: ctx.shop.id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) throw notFound("Invitation");
  return { id };
}

/** Every shop the caller works in, with their role and what it may do: the seller area's shop switcher. */
export async function myShops(ctx: AuthedScope) {
  const rows = await membershipsOf(ctx.db, ctx.user.id);
  return rows.map((m) => ({ ...m.shop, role: m.role, permissions: permissionsOf(m.role) }));
}

/** The caller's role in the shop a request names (or their only shop), or null when they have none. */
export async function roleIn(ctx: AuthedScope, requestedShopId: string | null): Promise<{ shopId: string; role: ShopRole } | null> {
  const found = await resolveMembership(ctx.db, ctx.user.id, requestedShopId);
  if (!isRefusal(found)) return { shopId: found.shop.id, role: found.role };
  if (found.code === "NOT_FOUND") return null;
  throw new DomainError(found.code, found.message);
}
