import { loginInput, registerInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../../trpc/init.ts";
import * as auth from "./auth.service.ts";
import { handOverSession } from "./session-cookie.ts";

export const authRouter = {
  register: publicProcedure
    .input(registerInput)
    .mutation(async ({ ctx, input }) => handOverSession(ctx.cookies, await auth.register(ctx, input))),
  login: publicProcedure
    .input(loginInput)
    .mutation(async ({ ctx, input }) => handOverSession(ctx.cookies, await auth.login(ctx, input))),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    // Cleared first: whatever happens to the revocation, this browser is signed out.
    ctx.cookies.clearSession();
    await auth.logout(ctx);
  }),
  me: publicProcedure.query(({ ctx }) => auth.me(ctx)),
} satisfies TRPCRouterRecord;
