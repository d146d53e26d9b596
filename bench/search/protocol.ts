/** Settings both search server processes take from the environment. */
export interface ServerEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
  /** Facet cache time to live, ms ("0": off). */
  BENCH_FACET_TTL_MS: string;
  /** Result cache (first pages of queries) time to live, ms ("0": off). */
  BENCH_RESULT_TTL_MS: string;
}

/**
 * Raw's route. Under `/trpc/` as ours' is, so that raw + transport (transport.ts) answers with the
 * security headers of a JSON answer, as ours does (server/src/http/security.ts).
 */
export const RAW_SEARCH_PATH = "/trpc/search";
