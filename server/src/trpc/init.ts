import { initTRPC, TRPCError } from "@trpc/server";
import { transformer } from "./transformer.ts";
import { DomainError } from "../lib/errors.ts";
import type { Context } from "./context.ts";
import { mustSetUpTwoFactor, TWO_FACTOR_REQUIRED_MESSAGE, TWO_FACTOR_SETUP_PROCEDURES } from "../modules/auth/two-factor-policy.ts";
import { formatError, toTRPCError } from "./errors.ts";
import { roleCan, SHOP_ROLE_LABELS, type ShopPermission } from "@marketplace/shared";
import { isRefusal, resolveMembership } from "../modules/teams/membership.ts";

/**
 * What a procedure declares about itself: a seller procedure names the one permission it needs
 * (shared/src/teams.ts), which the authorization matrix test reads back from the router.
 */
export interface ProcedureMeta {
  permission?: ShopPermission;
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
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

/** A `shopId` in the raw input object: the shop the client chose, taken out before the procedure's strict schema sees it. */
function shopIdInInput(raw: unknown): { shopId: string | null; rest: unknown } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || !Object.hasOwn(raw, "shopId")) return { shopId: null, rest: raw };
  const { shopId, ...rest } = raw as Record<string, unknown>;
  return { shopId: typeof shopId === "string" ? shopId : String(shopId), rest };
}

/**
 * A member of a shop whose role holds the procedure's permission: loads the shop the request acts
 * on (the caller's only one, or the one named by a `shopId` input or the `x-shop-id` header,
 * checked against their memberships) into `ctx.shop`, and their role into `ctx.member`.
 */
const shopMember = authedProcedure.use(async ({ ctx, meta, path, getRawInput, next }) => {
  const permission = meta?.permission;
  if (!permission) throw new Error(`${path}: a shop procedure must name its permission`);
  const { shopId, rest } = shopIdInInput(await getRawInput());
  const found = await resolveMembership(ctx.db, ctx.user.id, shopId ?? ctx.requestedShopId);
  if (isRefusal(found)) throw new TRPCError({ code: found.code, message: found.message });
  if (!roleCan(found.role, permission)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `Your role in this shop (${SHOP_ROLE_LABELS[found.role]}) cannot do this` });
  }
  // next() takes getRawInput beside ctx at run time (procedureBuilder's callRecursive); its types
  // offer one or the other, so the input without `shopId` rides in untyped.
  const withoutShopId: object = { getRawInput: () => Promise.resolve(rest) };
  return next({ ctx: { ...ctx, shop: found.shop, member: { role: found.role } }, ...withoutShopId });
});

/** A member of the shop, whatever its status, whose role holds `permission`. */
export const shopProcedure = (permission: ShopPermission) => shopMember.meta({ permission });

/** A member of an ACTIVE shop whose role holds `permission`: a pending or suspended shop cannot sell. */
export const sellingProcedure = (permission: ShopPermission) =>
  shopProcedure(permission).use(({ ctx, next }) => {
    if (ctx.shop.status !== "ACTIVE") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: ctx.shop.status === "PENDING" ? "Your shop is waiting for approval" : "Your shop is suspended",
      });
    }
    return next({ ctx });
  });
