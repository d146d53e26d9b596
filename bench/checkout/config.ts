import os from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../server/src/config.ts";

/**
 * The configuration both checkout servers run with: the server's own defaults for fees and the
 * hold time, production mode, a rate limit no benchmark reaches, and hold limits out of reach
 * (every buyer places one unpaid order per round; both servers still run the holds check).
 */
export function checkoutConfig(env: NodeJS.ProcessEnv): Config {
  return loadConfig({
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? "silent",
    DATABASE_URL: env.DATABASE_URL,
    DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE ?? "20",
    RATE_LIMIT_PER_MINUTE: "100000000",
    MAX_UNPAID_ORDERS: "1000",
    MAX_HELD_UNITS: "1000000",
    SWEEP_INTERVAL_SECONDS: "0",
    PAYMENTS: "test",
    SEED_DEMO: "false",
    CLIENT_DIST: "/nonexistent",
    DATA_DIR: path.join(os.tmpdir(), "mk-bench-checkout"), // uploads folder; nothing is uploaded
  });
}
