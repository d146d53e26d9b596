import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    globalSetup: ["src/test/global-setup.ts"],
    // The AWS SDK (the S3 image store's tests) warns once per process that its releases after
    // January 2027 need Node 22: true, and said in the README; not worth a line in every test run.
    env: { NODE_ENV: "test", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file gets its own database (a PGlite instance or a PostgreSQL database), so files run
    // in parallel safely; two workers match these 2-core machines.
    maxWorkers: 2,
  },
});
