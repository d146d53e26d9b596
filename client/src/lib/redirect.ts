import type { Role } from "@marketplace/shared";

/**
 * A redirect target from the query string (`?redirect=/account`), accepted only when it is a
 * path on this site: "//evil.example" or "https://…" would make the sign-in page an open redirect.
 */
export function safeRedirect(value: unknown, fallback = "/"): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string" || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return fallback;
  return v;
}

/** Where a user lands after signing in when no page asked for it: admins work in the admin area. */
export function landingFor(role: Role): string {
  return role === "ADMIN" ? "/admin" : "/";
}
