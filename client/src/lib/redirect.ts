/**
 * A redirect target from the query string (`?redirect=/account`), accepted only when it is a
 * path on this site: "//evil.example" or "https://…" would make the sign-in page an open redirect.
 */
export function safeRedirect(value: unknown, fallback = "/"): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== "string" || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return fallback;
  return v;
}
