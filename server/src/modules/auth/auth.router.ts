import { loginInput, loginTwoFactorInput, registerInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../../trpc/init.ts";
import * as auth from "./auth.service.ts";
import { handOverSession, handOverSignIn } from "./session-cookie.ts";
import * as twoFactor from "./two-factor.service.ts";

export const authRouter = {
  register: publicProcedure
    .input(registerInput)
    .mutation(async ({ ctx, input }) => handOverSession(ctx.cookies, await auth.register(ctx, input))),
  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) => handOverSignIn(ctx.cookies, await auth.login(ctx, input))),
  loginTwoFactor: publicProcedure.input(loginTwoFactorInput).mutation(async ({ ctx, input }) => {
    const signedIn = await twoFactor.completeSignIn(ctx, ctx.pendingSignInToken, input);
    ctx.cookies.clearPendingSignIn();
    return handOverSession(ctx.cookies, signedIn);
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    // Cleared first: whatever happens to the revocation, this browser is signed out.
    ctx.cookies.clearSession();
    await auth.logout(ctx);
  }),
  me: publicProcedure.query(({ ctx }) => auth.me(ctx)),
} satisfies TRPCRouterRecord;
