import type {} from "@fastify/cookie";
import type { FastifyRequest } from "fastify";
import type { Config } from "../../config.ts";
import type { SessionUser } from "../../scope.ts";
import type { SignedIn } from "./auth.service.ts";

/** How a procedure sets or clears the session cookie, whatever carries the request. */
export interface CookieJar {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
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
