import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    globalSetup: ["src/test/global-setup.ts"],
    env: { NODE_ENV: "test" },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file gets its own database (a PGlite instance or a PostgreSQL database), so files run
    // in parallel safely; two workers match these 2-core machines.
    maxWorkers: 2,
  },
});
