import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { DomainError } from "../lib/errors.ts";
import type { Context } from "./context.ts";
import { formatError, toTRPCError } from "./errors.ts";

const isDev = process.env.NODE_ENV === "development";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  isDev,
  errorFormatter: (opts) => formatError(opts, isDev),
});

/** Turns the domain errors that services throw into tRPC errors, for every procedure. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error.cause);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(domainErrors);

/** Signed in with a live session: narrows `ctx.user` and `ctx.sessionId` to non-null. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user || !ctx.sessionId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId } });
});

/** Admins only. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next({ ctx });
});

/**
 * Sellers (and admins acting as one) only. The shop module narrows further: it loads the
 * caller's own shop into `ctx`, so no procedure trusts a shop id sent by the client.
 */
export const sellerProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "SELLER" && ctx.user.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Sellers only" });
  }
  return next({ ctx });
});
