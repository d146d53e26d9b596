/** What both dashboards servers take from the environment. */
export interface ServerEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
  /** ms the admin's answer per period is kept in ours (0: no cache: the cold figures). */
  STATS_ADMIN_CACHE_MS: string;
}

/** The cookie both servers read the session from (the production name: NODE_ENV=production). */
export const SESSION_COOKIE = "__Host-session";

/** What the raw dashboards server does not do that ours does, written next to the ratios. */
export const RAW_SKIPS = [
  "tRPC (routing, its fetch-style Request/Response adaptation, the envelope) and superjson: raw answers plain JSON",
  "zod: raw takes the period from the query string as is",
  "Fastify's security hooks: helmet headers, CORS, the per-IP rate limit",
  "Prisma: query building, its pool and driver adapter, result mapping; raw sends the same statement texts through node-postgres (the services' $queryRaw SQL verbatim, their few model calls as the one statement each)",
];
