import { byIdInput, changePasswordInput, updateProfileInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import * as account from "./account.service.ts";

export const accountRouter = {
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(({ ctx, input }) => account.updateProfile(ctx, input)),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => account.changePassword(ctx, input)),
  sessions: authedProcedure.query(({ ctx }) => account.listSessions(ctx)),
  revokeSession: authedProcedure.input(byIdInput).mutation(async ({ ctx, input }) => {
    const { signedOut } = await account.revokeSession(ctx, input.id);
    if (signedOut) ctx.cookies.clearSession();
  }),
} satisfies TRPCRouterRecord;
