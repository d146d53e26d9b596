import { loginInput, registerInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../../trpc/init.ts";
import * as auth from "./auth.service.ts";

export const authRouter = {
  register: publicProcedure.input(registerInput).mutation(({ ctx, input }) => auth.register(ctx, input)),
  login: publicProcedure.input(loginInput).mutation(({ ctx, input }) => auth.login(ctx, input)),
  logout: publicProcedure.mutation(({ ctx }) => auth.logout(ctx)),
  me: publicProcedure.query(({ ctx }) => auth.me(ctx)),
} satisfies TRPCRouterRecord;
