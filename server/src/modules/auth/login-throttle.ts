import type { RateLimiter } from "../../lib/rate-limiter.ts";
import { tooManyRequests } from "../../lib/errors.ts";

/**
 * Brute-force limits on failed logins (ASVS 6.3.1): per account, so a botnet cannot grind one
 * password, and per IP, so one client cannot spray many accounts. Windows are short (15 min) so a
 * victim's account is never locked for long, and a success clears the account's count.
 */
export const LOGIN_LIMITS = {
  perAccount: { limit: 10, windowMs: 15 * 60_000 },
  perIp: { limit: 50, windowMs: 15 * 60_000 },
} as const;

const accountKey = (email: string) => `login:account:${email}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

export async function assertLoginAllowed(limiter: RateLimiter, email: string, ip: string): Promise<void> {
  const [account, byIp] = await Promise.all([
    limiter.peek(accountKey(email), LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs),
    limiter.peek(ipKey(ip), LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs),
  ]);
  const blocked = [account, byIp].filter((r) => r.remaining <= 0);
  if (blocked.length) throw tooManyRequests(Math.max(...blocked.map((r) => r.retryAfterSeconds), 1));
}

export async function recordLoginFailure(limiter: RateLimiter, email: string, ip: string): Promise<void> {
  await Promise.all([
    limiter.hit(accountKey(email), LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs),
    limiter.hit(ipKey(ip), LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs),
  ]);
}

export async function recordLoginSuccess(limiter: RateLimiter, email: string): Promise<void> {
  await limiter.reset(accountKey(email));
}

/** Sign-ups per IP: slows scripted account creation and email probing through register. */
export async function assertRegisterAllowed(limiter: RateLimiter, ip: string): Promise<void> {
  const r = await limiter.hit(`register:ip:${ip}`, 20, 60 * 60_000);
  if (!r.allowed) throw tooManyRequests(r.retryAfterSeconds);
}
