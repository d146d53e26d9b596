/**
 * Prints every statement (text and parameters) that the real server's code sends to PostgreSQL
 * for each benchmarked call, as node-postgres receives it from Prisma's adapter or from
 * `Database.read`: what server-raw.ts copies. Seeds a small database of its own and drops it.
 *
 * Usage: node --import tsx reviews/capture.ts   (env BENCH_PG_URL)
 */
import pg from "pg";
import { loadConfig } from "../../server/src/config.ts";
import { memoryLimiterStore } from "../../server/src/lib/rate-limiter.ts";
import { TestPaymentProvider } from "../../server/src/modules/payments/provider.ts";
import { nullSink } from "../../server/src/realtime/publish.ts";
import { createContextInner, MemoryCookieJar } from "../../server/src/trpc/context.ts";
import { createCaller } from "../../server/src/trpc/root.ts";
import { dropDatabase } from "../lib/databases.ts";
import { seedDatabase } from "./seed.ts";
import { benchCases } from "./cases.ts";
import { createMetrics } from "../../server/src/metrics/metrics.ts";

const adminUrl = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = "mk_bench_reviews_capture";
const seeded = await seedDatabase(adminUrl, name, { reviews: 300, hidden: 10, writers: 1, poolSize: 4 }, console.log);
try {
  const config = loadConfig({ NODE_ENV: "production", MAIL: "off", LOG_LEVEL: "silent", DATABASE_URL: seeded.url, CLIENT_DIST: "/nonexistent", SEED_DEMO: "false" });
  const deps = { config, database: seeded.database, limits: memoryLimiterStore(), sink: nullSink, payments: new TestPaymentProvider(), metrics: createMetrics() };
  const pool = new pg.Pool({ connectionString: seeded.url, max: 2 });
  const cases = await benchCases(pool, seeded.productId, 5);
  await pool.end();
  const original = pg.Client.prototype.query;
  let on = false;
  (pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    if (on) {
      const first = args[0] as string | { text: string; values?: unknown[] };
      const text = typeof first === "string" ? first : first.text;
      const values = typeof first === "string" ? args[1] : (first.values ?? args[1]);
      console.log(`--- ${text}\n    values: ${JSON.stringify(values)}`);
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  for (const c of cases) {
    const caller = createCaller(await createContextInner({ deps, cookies: new MemoryCookieJar() }));
    await caller.review.listProduct(c.input as never); // warm (Prisma connects, plans)
    console.log(`\n===== ${c.key}: review.listProduct(${JSON.stringify(c.input)})`);
    on = true;
    await caller.review.listProduct(c.input as never);
    on = false;
  }
  console.log(`\n===== write: the session lookup, then review.createProduct (signed-in writer)`);
  on = true;
  const caller = createCaller(await createContextInner({ deps, sessionToken: seeded.writers[0]!.token, cookies: new MemoryCookieJar() }));
  await caller.review.createProduct({ productId: seeded.productId, rating: 4, title: "Bench", body: "Written by the benchmark." });
  on = false;
} finally {
  await seeded.database.close();
  await dropDatabase(adminUrl, name);
}
