import type {} from "@fastify/cookie";
import type { FastifyRequest } from "fastify";
import type { Config } from "../../config.ts";

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
