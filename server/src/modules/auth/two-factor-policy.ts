import type { Config } from "../../config.ts";
import type { SessionUser } from "../../scope.ts";

/**
 * An admin account is one password away from the whole platform: with REQUIRE_ADMIN_2FA (the
 * default in production) an admin without two-factor may do nothing but turn it on. No signed-in
 * procedure but these answers them, and their sockets join no admin room.
 */
export const TWO_FACTOR_SETUP_PROCEDURES: ReadonlySet<string> = new Set([
  "account.twoFactor.status",
  "account.twoFactor.setup",
  "account.twoFactor.enable",
]);

export function mustSetUpTwoFactor(user: Pick<SessionUser, "role" | "twoFactorEnabled">, config: Pick<Config, "REQUIRE_ADMIN_2FA">): boolean {
  return config.REQUIRE_ADMIN_2FA && user.role === "ADMIN" && !user.twoFactorEnabled;
}

export const TWO_FACTOR_REQUIRED_MESSAGE = "Admins must turn on two-factor sign-in before anything else";

/** The signed-in user as the browser gets it: with whether two-factor must be set up first. */
export function forBrowser<U extends Pick<SessionUser, "role" | "twoFactorEnabled">>(
  user: U,
  config: Pick<Config, "REQUIRE_ADMIN_2FA">,
): U & { twoFactorSetupRequired: boolean } {
  return { ...user, twoFactorSetupRequired: mustSetUpTwoFactor(user, config) };
}
