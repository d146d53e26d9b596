import { configDefaults, defineConfig } from "vitest/config";
import { SkippedReporter } from "./src/test/skipped-reporter.ts";

/**
 * Two projects over one set of tests: `postgres` runs every test on a PostgreSQL server
 * (DATABASE_URL, or a throwaway one that global-setup.ts starts), `pglite` runs the integration
 * tests that exercise the database again on the embedded PGlite that `pnpm start` uses without
 * DATABASE_URL, so that default stays tested. A test that needs one of them (real concurrency, or
 * PGlite's single connection) runs in its project and is skipped in the other.
 * `npx vitest run --project pglite` runs one.
 */
/**
 * The AWS SDK (the S3 image store's tests) warns once per process that its releases after
 * January 2027 need Node 22: true, and said in the README; not worth a line in every test run.
 */
const env = { NODE_ENV: "test", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

const shared = {
  setupFiles: ["src/test/use-services.ts"],
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

/**
 * Left out of the PGlite pass: they test processes, the wire, Socket.IO and Redis, and use the
 * database no differently from the tests that stay, so on PGlite they would only repeat the
 * postgres project's work (about a third of the pass). main.int.test.ts starts its servers on an
 * embedded DATA_DIR in both projects.
 */
const notEngineSpecific = [
  "src/main.int.test.ts",
  "src/http/odd-wire.int.test.ts",
  "src/http/static-client.int.test.ts",
  "src/http/trpc-transport.int.test.ts",
  "src/lib/redis-rate-limiter.int.test.ts",
  "src/modules/auth/password-limits.int.test.ts",
  "src/modules/auth/two-factor-sockets.int.test.ts",
  "src/modules/teams/team-sockets.int.test.ts",
  "src/modules/mail/outbox-replicas.int.test.ts",
  "src/realtime/connection-limits.int.test.ts",
  "src/realtime/processes.int.test.ts",
  "src/realtime/replicas.int.test.ts",
  "src/realtime/room-changes-replicas.int.test.ts",
  // Input validation over every procedure: the schemas are the same on either engine, and on
  // PGlite's single connection the run takes minutes.
  "src/trpc/fuzz.int.test.ts",
  // Server rendering reads the catalog through the same procedures as every other test, and
  // builds the client once (two projects building the same folder at once would clash).
  "src/ssr/ssr.int.test.ts",
  // Plain SQL over 50,001 rows: PGlite's single connection would take minutes for the same answer.
  "src/modules/storefront/sitemap.int.test.ts",
];

export default defineConfig({
  test: {
    // Starts PostgreSQL and Redis when none is given, once for both projects.
    globalSetup: ["src/test/global-setup.ts"],
    reporters: ["default", new SkippedReporter()],
    // Each file gets its own database (a PGlite instance or a PostgreSQL database), so files run
    // in parallel safely; two workers match these 2-core machines.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: "postgres", include: ["src/**/*.test.ts"], env: { ...env, TEST_DATABASE: "postgres" } } },
      // Unit tests touch no database: once is enough.
      {
        test: {
          ...shared,
          name: "pglite",
          include: ["src/**/*.int.test.ts"],
          exclude: [...configDefaults.exclude, ...notEngineSpecific],
          env: { ...env, TEST_DATABASE: "pglite" },
        },
      },
    ],
  },
});
