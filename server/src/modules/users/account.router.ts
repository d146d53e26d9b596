import {
  byIdInput,
  changeEmailInput,
  changePasswordInput,
  twoFactorDisableInput,
  twoFactorEnableInput,
  updateProfileInput,
} from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import * as links from "../auth/account-links.service.ts";
import { forBrowser } from "../auth/two-factor-policy.ts";
import * as twoFactor from "../auth/two-factor.service.ts";
import * as account from "./account.service.ts";

export const accountRouter = {
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .mutation(async ({ ctx, input }) => forBrowser(await account.updateProfile(ctx, input), ctx.deps.config)),
  changeEmail: authedProcedure
    .input(changeEmailInput)
    .mutation(async ({ ctx, input }) => forBrowser(await links.changeEmail(ctx, input), ctx.deps.config)),
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => account.changePassword(ctx, input)),
  sessions: authedProcedure.query(({ ctx }) => account.listSessions(ctx)),
  revokeSession: authedProcedure.input(byIdInput).mutation(async ({ ctx, input }) => {
    const { signedOut } = await account.revokeSession(ctx, input.id);
    if (signedOut) ctx.cookies.clearSession();
  }),
  twoFactor: {
    status: authedProcedure.query(({ ctx }) => twoFactor.status(ctx)),
    setup: authedProcedure.mutation(({ ctx }) => twoFactor.setup(ctx)),
    enable: authedProcedure.input(twoFactorEnableInput).mutation(({ ctx, input }) => twoFactor.enable(ctx, input)),
    disable: authedProcedure.input(twoFactorDisableInput).mutation(({ ctx, input }) => twoFactor.disable(ctx, input)),
  },
} satisfies TRPCRouterRecord;
