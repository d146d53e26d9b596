/** What both checkout servers take from the environment. */
export interface ServerEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
}

/** The cookie both servers read the session from (the production name: NODE_ENV=production). */
export const SESSION_COOKIE = "__Host-session";

/**
 * What the raw checkout server does not do that ours does, written next to the ratio (results
 * file and bench/README.md). Everything else of a checkout it does by hand: see server-raw.ts.
 */
export const RAW_SKIPS = [
  "tRPC (routing, its fetch-style Request/Response adaptation, the envelope, error formatting) and superjson",
  "Fastify's security hooks: helmet headers, CORS, the per-IP rate limit, the JSON-only mutation check",
  "Prisma: query building, its interactive transaction and result mapping (raw sends the same statements through pg)",
  "the retry of a transaction aborted by a deadlock or a serialization failure (raw would answer 500, counted under 'other')",
  "the session's last-seen touch (at most once per session per interval in ours; the bench's sessions are fresh)",
];
