import { inject } from "vitest";

/**
 * Runs in each test worker before its test file is imported (vitest `setupFiles`): points the
 * tests at the services global-setup.ts provided. The project names the database
 * (vitest.config.ts): `postgres` tests get the PostgreSQL server, `pglite` tests none, so they run
 * on the embedded PGlite that `pnpm start` uses by default.
 */
const { databaseUrl, redisUrl } = inject("testServices");
const database = process.env.TEST_DATABASE;
if (database !== "postgres" && database !== "pglite") throw new Error(`TEST_DATABASE must be postgres or pglite (vitest.config.ts), not ${database}`);

if (database === "postgres") process.env.DATABASE_URL = databaseUrl;
else delete process.env.DATABASE_URL;

if (redisUrl) process.env.REDIS_URL = redisUrl;
