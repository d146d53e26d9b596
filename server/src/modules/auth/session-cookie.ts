import type {} from "@fastify/cookie";
import type { FastifyRequest } from "fastify";
import type { Config } from "../../config.ts";
import type { SessionUser } from "../../scope.ts";
import type { SignedIn, TwoFactorRequired } from "./auth.service.ts";

/** How a procedure sets or clears the session cookie, whatever carries the request. */
export interface CookieJar {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
  /** The pending two-factor sign-in's cookie (a challenge, not a session: see `login-challenge.ts`). */
  setPendingSignIn(token: string, expiresAt: Date): void;
  clearPendingSignIn(): void;
}

/**
 * The session cookie: httpOnly, SameSite=Lax, and in production Secure with the `__Host-` prefix
 * (no Domain, Path=/), so no subdomain or plain-HTTP page can set or read it (ASVS 3.3).
 */
export function sessionCookie(config: Config) {
  const secure = config.isProduction;
  return {
    name: secure ? "__Host-session" : "session",
    options: { httpOnly: true, sameSite: "lax" as const, secure, path: "/" },
  };
}

/**
 * The pending sign-in's cookie: the same protections as the session's, another name, so nothing
 * that reads the session cookie (procedures, the socket handshake) ever sees the challenge.
 */
export function pendingSignInCookie(config: Config) {
  const secure = config.isProduction;
  return {
    name: secure ? "__Host-pending-sign-in" : "pending-sign-in",
    options: { httpOnly: true, sameSite: "lax" as const, secure, path: "/" },
  };
}

export function readPendingSignInToken(req: FastifyRequest, config: Config): string | null {
  const value = req.cookies[pendingSignInCookie(config).name];
  return value && value.length <= 128 ? value : null;
}

export function readSessionToken(req: FastifyRequest, config: Config): string | null {
  const value = req.cookies[sessionCookie(config).name];
  return value && value.length <= 128 ? value : null;
}

/**
 * Hands a new session to the browser: its cookie is set here, at the transport, and the procedure
 * answers with the user only (the token never travels in a response body).
 */
export function handOverSession(cookies: CookieJar, { user, session }: SignedIn): SessionUser {
  cookies.setSession(session.token, session.expiresAt);
  return user;
}

/**
 * What `auth.login` answers: the user with a session cookie, or, with two-factor on, only
 * `{twoFactorRequired: true}` and the pending sign-in's cookie.
 */
export function handOverSignIn(cookies: CookieJar, result: SignedIn | TwoFactorRequired): SessionUser | { twoFactorRequired: true } {
  if ("twoFactorRequired" in result) {
    cookies.setPendingSignIn(result.challenge.token, result.challenge.expiresAt);
    return { twoFactorRequired: true };
  }
  cookies.clearPendingSignIn();
  return handOverSession(cookies, result);
}
