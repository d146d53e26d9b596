import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { consumeOrThrow, type LimiterStore, type LimitRule } from "../../lib/rate-limiter.ts";

/**
 * Brute-force limits on password checks (ASVS 6.3.1, SECURITY 4 and 32): per account, so a botnet
 * cannot grind one password, and per IP, so one client cannot spray many accounts. Windows are
 * short (15 min) so a victim's account is never locked for long.
 *
 * An attempt is taken BEFORE the password is verified, atomically: 150 concurrent guesses for one
 * account get at most 10 verifications, the others TOO_MANY_REQUESTS with the window's real
 * remaining time. A success gives the attempt back: the account's count is cleared and the IP's
 * point returned, so signing in never spends a budget.
 */
export const LOGIN_LIMITS = {
  perAccount: { name: "login:account", points: 10, durationSeconds: 15 * 60 },
  perIp: { name: "login:ip", points: 50, durationSeconds: 15 * 60 },
} as const satisfies Record<string, LimitRule>;

/** Checks of the current password in `account.changePassword`: the same budgets, their own keys. */
export const PASSWORD_CHECK_LIMITS = {
  perUser: { name: "password:user", points: 10, durationSeconds: 15 * 60 },
  perIp: { name: "password:ip", points: 50, durationSeconds: 15 * 60 },
} as const satisfies Record<string, LimitRule>;

/**
 * Two-factor codes (the sign-in's second step, turning it on or off): limited like passwords, on
 * their own keys. A right password clears the login budget, never this one, so knowing the
 * password buys no extra guesses at the code: 10 per 15 minutes in a million.
 */
export const TWO_FACTOR_LIMITS = {
  perUser: { name: "2fa:user", points: 10, durationSeconds: 15 * 60 },
  perIp: { name: "2fa:ip", points: 50, durationSeconds: 15 * 60 },
} as const satisfies Record<string, LimitRule>;

/** Sign-ups per IP: slows scripted account creation and email probing through register. */
export const REGISTER_LIMIT = { name: "register:ip", points: 20, durationSeconds: 60 * 60 } as const satisfies LimitRule;

/** One attempt taken from a subject's budget and an IP's, to be given back if it succeeds. */
export interface PasswordAttempt {
  /** The password was right: clear the subject's count and return the IP's point. */
  succeeded(): Promise<void>;
}

/**
 * Takes an attempt from the IP's budget, then from the subject's; throws TOO_MANY_REQUESTS when
 * either is spent. The IP goes first so that an IP already over its budget does not also eat into
 * the budget of the account it aims at.
 */
async function takeAttempt(
  ipLimiter: RateLimiterAbstract,
  subjectLimiter: RateLimiterAbstract,
  ip: string,
  subject: string,
): Promise<PasswordAttempt> {
  await consumeOrThrow(ipLimiter, ip);
  await consumeOrThrow(subjectLimiter, subject);
  return {
    async succeeded() {
      await Promise.all([subjectLimiter.delete(subject), ipLimiter.reward(ip)]);
    },
  };
}

/** Before verifying a login's password: one attempt for `email` and for `ip`. */
export function takeLoginAttempt(store: LimiterStore, email: string, ip: string): Promise<PasswordAttempt> {
  return takeAttempt(store.limiter(LOGIN_LIMITS.perIp), store.limiter(LOGIN_LIMITS.perAccount), ip, email);
}

/** Before verifying the current password of a password change: one attempt for the user and the IP. */
export function takePasswordCheckAttempt(store: LimiterStore, userId: string, ip: string): Promise<PasswordAttempt> {
  return takeAttempt(store.limiter(PASSWORD_CHECK_LIMITS.perIp), store.limiter(PASSWORD_CHECK_LIMITS.perUser), ip, userId);
}

/** Before checking a two-factor code (or recovery code): one attempt for the user and the IP. */
export function takeTwoFactorAttempt(store: LimiterStore, userId: string, ip: string): Promise<PasswordAttempt> {
  return takeAttempt(store.limiter(TWO_FACTOR_LIMITS.perIp), store.limiter(TWO_FACTOR_LIMITS.perUser), ip, userId);
}

export async function assertRegisterAllowed(store: LimiterStore, ip: string): Promise<void> {
  await consumeOrThrow(store.limiter(REGISTER_LIMIT), ip);
}
