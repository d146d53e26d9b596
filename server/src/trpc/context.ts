import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps, OwnShop, Scope, SessionUser, ShopMemberOf } from "../scope.ts";
import { SHOP_HEADER } from "@marketplace/shared";
import { resolveSession } from "../modules/auth/session.service.ts";
import { pendingSignInCookie, readPendingSignInToken, readSessionToken, sessionCookie, type CookieJar } from "../modules/auth/session-cookie.ts";

export type { AppDeps, SessionUser } from "../scope.ts";
export type { CookieJar } from "../modules/auth/session-cookie.ts";

/**
 * A procedure's context: the services' plain scope, plus the cookie jar that only routers use
 * (services never see the transport).
 */
export interface Context extends Scope {
  cookies: CookieJar;
  /** The pending two-factor sign-in's token (its own cookie): only `auth.loginTwoFactor` reads it. */
  pendingSignInToken: string | null;
  /** The shop the client chose (`x-shop-id`): a choice among the caller's memberships, checked by `shopProcedure`. */
  requestedShopId: string | null;
}

/** The context after `authedProcedure`: a signed-in user with a live session. */
export type AuthedContext = Context & { user: SessionUser; sessionId: string };

/** The context after `shopProcedure` / `sellingProcedure`: the shop acted on and the caller's role in it. */
export type ShopContext = AuthedContext & { shop: OwnShop; member: ShopMemberOf };

export interface ContextInnerOptions {
  deps: AppDeps;
  sessionToken?: string | null;
  ip?: string;
  userAgent?: string | null;
  cookies?: CookieJar;
  pendingSignInToken?: string | null;
  /** The shop chosen for the request (the `x-shop-id` header). */
  shopId?: string | null;
}

/** A jar that remembers what was set: tests read the tokens from it. */
export class MemoryCookieJar implements CookieJar {
  token: string | null = null;
  pendingSignIn: string | null = null;
  setSession(token: string) {
    this.token = token;
  }
  clearSession() {
    this.token = null;
  }
  setPendingSignIn(token: string) {
    this.pendingSignIn = token;
  }
  clearPendingSignIn() {
    this.pendingSignIn = null;
  }
}

/** The context without HTTP: tests call procedures through `createCaller(await createContextInner(...))`. */
export async function createContextInner(opts: ContextInnerOptions): Promise<Context> {
  const db = opts.deps.database.prisma;
  const session = opts.sessionToken ? await resolveSession(db, opts.sessionToken) : null;
  return {
    deps: opts.deps,
    db,
    user: session?.user ?? null,
    sessionId: session?.id ?? null,
    ip: opts.ip ?? "127.0.0.1",
    userAgent: opts.userAgent ?? null,
    cookies: opts.cookies ?? new MemoryCookieJar(),
    pendingSignInToken: opts.pendingSignInToken ?? null,
    requestedShopId: opts.shopId ?? null,
  };
}

/** The context of an HTTP request: the session cookie in, cookie writes out. */
export function contextFactory(deps: AppDeps) {
  const cookie = sessionCookie(deps.config);
  const pending = pendingSignInCookie(deps.config);
  return ({ req, res }: { req: FastifyRequest; res: FastifyReply }) => {
    const pendingSignInToken = readPendingSignInToken(req, deps.config);
    return createContextInner({
      deps,
      sessionToken: readSessionToken(req, deps.config),
      pendingSignInToken,
      shopId: shopHeader(req.headers[SHOP_HEADER]),
      ip: req.ip,
      userAgent: req.headers["user-agent"]?.slice(0, 300) ?? null,
      cookies: {
        // Block bodies: setCookie returns the reply, which is awaitable (it resolves once sent).
        setSession: (token, expiresAt) => {
          res.setCookie(cookie.name, token, { ...cookie.options, expires: expiresAt });
        },
        clearSession: () => {
          res.clearCookie(cookie.name, cookie.options);
        },
        setPendingSignIn: (token, expiresAt) => {
          res.setCookie(pending.name, token, { ...pending.options, expires: expiresAt });
        },
        // Only a browser that holds a pending sign-in is told to drop it (a plain sign-in
        // answers with its session cookie alone).
        clearPendingSignIn: () => {
          if (pendingSignInToken !== null) res.clearCookie(pending.name, pending.options);
        },
      },
    });
  };
}

/** The `x-shop-id` header's one value, or null (absent, empty, or sent twice). */
function shopHeader(value: string | string[] | undefined): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}
