import { initTRPC, TRPCError } from "@trpc/server";
import { transformer } from "./transformer.ts";
import { DomainError } from "../lib/errors.ts";
import type { Context } from "./context.ts";
import { mustSetUpTwoFactor, TWO_FACTOR_REQUIRED_MESSAGE, TWO_FACTOR_SETUP_PROCEDURES } from "../modules/auth/two-factor-policy.ts";
import { formatError, toTRPCError } from "./errors.ts";

const ownShopSelect = { id: true, name: true, slug: true, status: true } as const;

const t = initTRPC.context<Context>().create({
  transformer,
  // tRPC always puts the stack in the error's shape; formatError keeps it (and internal messages)
  // only when the server's own config says development. An error before the context exists has
  // no config to ask, and says nothing.
  isDev: true,
  errorFormatter: (opts) => formatError(opts, opts.ctx?.deps.config.NODE_ENV === "development"),
});

/** Turns the domain errors that services throw into tRPC errors, for every procedure. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error.cause);
  return result;
});

/** Times every call, input validation included, into the procedure latency histogram. */
const timed = t.middleware(async ({ ctx, path, type, next }) => {
  const stop = ctx.deps.metrics.procedureDuration.startTimer({ procedure: path, type });
  try {
    return await next();
  } finally {
    stop();
  }
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(timed).use(domainErrors);

/** Signed in with a live session: narrows `ctx.user` and `ctx.sessionId` to non-null. */
export const authedProcedure = publicProcedure.use(({ ctx, path, next }) => {
  if (!ctx.user || !ctx.sessionId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  // An admin who must use two-factor and has not turned it on reaches the set-up and nothing else.
  if (mustSetUpTwoFactor(ctx.user, ctx.deps.config) && !TWO_FACTOR_SETUP_PROCEDURES.has(path)) {
    throw new TRPCError({ code: "FORBIDDEN", message: TWO_FACTOR_REQUIRED_MESSAGE });
  }
  return next({ ctx: { ...ctx, user: ctx.user, sessionId: ctx.sessionId } });
});

/** Admins only. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next({ ctx });
});

/**
 * The owner of a shop, whatever its status: loads the caller's own shop into `ctx.shop`, so no
 * procedure trusts a shop id sent by the client.
 */
export const shopOwnerProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const shop = await ctx.db.shop.findUnique({ where: { ownerId: ctx.user.id }, select: ownShopSelect });
  if (!shop) throw new TRPCError({ code: "NOT_FOUND", message: "You have no shop yet" });
  return next({ ctx: { ...ctx, shop } });
});

/** A seller of an ACTIVE shop: a pending or suspended shop cannot sell. */
export const sellerProcedure = shopOwnerProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "SELLER" && ctx.user.role !== "ADMIN") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Sellers only" });
  }
  if (ctx.shop.status !== "ACTIVE") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: ctx.shop.status === "PENDING" ? "Your shop is waiting for approval" : "Your shop is suspended",
    });
  }
  return next({ ctx });
});
