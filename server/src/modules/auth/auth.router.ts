import {
  loginInput,
  loginTwoFactorInput,
  registerInput,
  requestPasswordResetInput,
  resetPasswordInput,
  verifyEmailInput,
} from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, publicProcedure } from "../../trpc/init.ts";
import * as links from "./account-links.service.ts";
import * as auth from "./auth.service.ts";
import { handOverSession, handOverSignIn } from "./session-cookie.ts";
import { forBrowser } from "./two-factor-policy.ts";
import * as twoFactor from "./two-factor.service.ts";

export const authRouter = {
  register: publicProcedure
    .input(registerInput)
    .mutation(async ({ ctx, input }) => forBrowser(handOverSession(ctx.cookies, await auth.register(ctx, input)), ctx.deps.config)),
  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) => {
      const answer = handOverSignIn(ctx.cookies, await auth.login(ctx, input));
      return "twoFactorRequired" in answer ? answer : forBrowser(answer, ctx.deps.config);
    }),
  loginTwoFactor: publicProcedure.input(loginTwoFactorInput).mutation(async ({ ctx, input }) => {
    const signedIn = await twoFactor.completeSignIn(ctx, ctx.pendingSignInToken, input);
    ctx.cookies.clearPendingSignIn();
    return forBrowser(handOverSession(ctx.cookies, signedIn), ctx.deps.config);
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    // Cleared first: whatever happens to the revocation, this browser is signed out.
    ctx.cookies.clearSession();
    await auth.logout(ctx);
  }),
  me: publicProcedure.query(async ({ ctx }) => {
    const user = await auth.me(ctx);
    return user && forBrowser(user, ctx.deps.config);
  }),
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(({ ctx, input }) => links.requestPasswordReset(ctx, input)),
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(({ ctx, input }) => links.resetPassword(ctx, input)),
  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(({ ctx, input }) => links.verifyEmail(ctx, input)),
  resendVerification: authedProcedure.mutation(({ ctx }) => links.resendVerification(ctx)),
} satisfies TRPCRouterRecord;
