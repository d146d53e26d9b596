import { teamAcceptInput, teamInviteInput, teamRemoveInput, teamRevokeInviteInput, teamSetRoleInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, shopProcedure } from "../../trpc/init.ts";
import * as team from "./team.service.ts";

/** `shop.team.*`: who works in the chosen shop, and as what. */
export const teamRouter = {
  invite: shopProcedure("team.manage").input(teamInviteInput).mutation(({ ctx, input }) => team.inviteMember(ctx, input)),
  revokeInvite: shopProcedure("team.manage").input(teamRevokeInviteInput).mutation(({ ctx, input }) => team.revokeInvite(ctx, input.id)),
  /** The invited person, signed in with the invited (verified) address. */
  accept: authedProcedure.input(teamAcceptInput).mutation(({ ctx, input }) => team.acceptInvite(ctx, input)),
  list: shopProcedure("team.read").query(({ ctx }) => team.listTeam(ctx)),
  setRole: shopProcedure("team.manage").input(teamSetRoleInput).mutation(({ ctx, input }) => team.setMemberRole(ctx, input)),
  remove: shopProcedure("team.manage").input(teamRemoveInput).mutation(({ ctx, input }) => team.removeMember(ctx, input.userId)),
  /** Any member leaves the shop (the last owner cannot). */
  leave: shopProcedure("shop.read").mutation(({ ctx }) => team.leaveShop(ctx)),
} satisfies TRPCRouterRecord;
