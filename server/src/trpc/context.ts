import type {} from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Role, UserStatus } from "@marketplace/shared";
import type { Config } from "../config.ts";
import type { Database, Db } from "../db/client.ts";
import type { LimiterStore } from "../lib/rate-limiter.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { EventSink } from "../realtime/publish.ts";
import type { PaymentProvider } from "../modules/payments/provider.ts";
import { resolveSession } from "../modules/auth/session.service.ts";
import { readSessionToken, sessionCookie } from "../modules/auth/session-cookie.ts";

/** What every request can reach, made once at start. */
export interface AppDeps {
  config: Config;
  database: Database;
  /** Where attempt limits are counted: this process, or Redis shared by every replica. */
  limits: LimiterStore;
  sink: EventSink;
  payments: PaymentProvider;
  /** This server's Prometheus registry and instruments: services count here (metrics/metrics.ts). */
  metrics: Metrics;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  /** The current email was proved by a mailed link (opening a shop needs it). */
  emailVerified: boolean;
  /** Sign-in asks for a code from an authenticator app too. */
  twoFactorEnabled: boolean;
}

/** How a procedure sets or clears the session cookie, whatever carries the request. */
export interface CookieJar {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
}

export interface Context {
  deps: AppDeps;
  db: Db;
  user: SessionUser | null;
  sessionId: string | null;
  ip: string;
  userAgent: string | null;
  cookies: CookieJar;
}

/** The context after `authedProcedure`: a signed-in user with a live session. */
export type AuthedContext = Context & { user: SessionUser; sessionId: string };

/** The context after `shopOwnerProcedure` / `sellerProcedure`: the caller's own shop. */
export type ShopContext = AuthedContext & { shop: { id: string; name: string; slug: string; status: "PENDING" | "ACTIVE" | "SUSPENDED" } };

export interface ContextInnerOptions {
  deps: AppDeps;
  sessionToken?: string | null;
  ip?: string;
  userAgent?: string | null;
  cookies?: CookieJar;
}

/** A jar that remembers what was set: tests read the token from it. */
export class MemoryCookieJar implements CookieJar {
  token: string | null = null;
  setSession(token: string) {
    this.token = token;
  }
  clearSession() {
    this.token = null;
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
  };
}

/** The context of an HTTP request: the session cookie in, cookie writes out. */
export function contextFactory(deps: AppDeps) {
  const cookie = sessionCookie(deps.config);
  return ({ req, res }: { req: FastifyRequest; res: FastifyReply }) =>
    createContextInner({
      deps,
      sessionToken: readSessionToken(req, deps.config),
      ip: req.ip,
      userAgent: req.headers["user-agent"]?.slice(0, 300) ?? null,
      cookies: {
        setSession: (token, expiresAt) => res.setCookie(cookie.name, token, { ...cookie.options, expires: expiresAt }),
        clearSession: () => res.clearCookie(cookie.name, cookie.options),
      },
    });
}
