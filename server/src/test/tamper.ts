/**
 * `token` with its character at `at` (default: the last) changed to another one: a tampered
 * token that is never, by chance, the token itself (a fixed replacement letter would be, once in
 * 64 runs, for a base64url token ending in that letter).
 */
export function tampered(token: string, at = token.length - 1): string {
  const replacement = token[at] === "A" ? "B" : "A";
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}
