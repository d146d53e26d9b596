import type { Scope } from "../../scope.ts";

/**
 * Where a sign-in or an account change came from, as the security mails tell it: the time (UTC),
 * the IP and the browser's own description of itself, cut short.
 */
export function originOf(ctx: Pick<Scope, "ip" | "userAgent">, at = new Date()): { at: string; ip: string; device: string } {
  return {
    at: `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    ip: ctx.ip,
    device: ctx.userAgent ? ctx.userAgent.slice(0, 120) : "an unknown device",
  };
}
