/** What both reviews servers take from the environment. */
export interface ServerEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
}

/** The cookie both servers read the session from (the production name: NODE_ENV=production). */
export const SESSION_COOKIE = "__Host-session";

/** What the raw reviews server does not do that ours does, written next to the ratios (results file and bench/README.md). */
export const RAW_SKIPS = [
  "tRPC (routing, its fetch-style Request/Response adaptation, the envelope, error formatting) and superjson",
  "zod: raw's input is JSON.parse and a few checks, the cursor decoded without its schema",
  "Fastify's security hooks: helmet headers, CORS, the per-IP rate limit, the JSON-only mutation check",
  "Prisma on the write path: query building, its interactive transaction and result mapping (the list path reads through the pool in both)",
  "the per-user review allowance (in-memory limiter), the event buffer, and the retry of a transaction aborted by a deadlock (raw would answer 500)",
];
