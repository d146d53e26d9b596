/**
 * "Raw": the floor to compare with. Plain Fastify (no plugins, no logger) and a node-postgres
 * pool of the same size, running the same statements as ours (pg-db.ts) through the same
 * service functions, so the SQL and its order and concurrency are ours':
 *
 *   GET /admin?period=90d   the session lookup (the same statement), the admin check, admin.stats
 *   GET /seller?period=90d  the session lookup, the caller's shop (one statement), seller.stats
 *
 * What it skips is in protocol.ts (RAW_SKIPS). It has no answer cache (the cold figures).
 */
import Fastify from "fastify";
import pg from "pg";
import type { StatsInput } from "@marketplace/shared";
import { loadConfig } from "../../server/src/config.ts";
import { resolveSession } from "../../server/src/modules/auth/session.service.ts";
import { adminStats } from "../../server/src/modules/stats/admin-stats.service.ts";
import { sellerStats } from "../../server/src/modules/stats/seller-stats.service.ts";
import type { AppDeps, ShopContext } from "../../server/src/trpc/context.ts";
import { serveRunner } from "../lib/server-side.ts";
import { pgDb } from "./pg-db.ts";
import { SESSION_COOKIE } from "./protocol.ts";

const runner = serveRunner("bench/stats/server-raw.ts", async () => {
  await app.close();
  await pool.end();
});

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? "10") });
pool.on("error", () => {});
const db = pgDb(pool);
const deps = { config: loadConfig({ NODE_ENV: "test", STATS_TIME_ZONE: "UTC", STATS_ADMIN_CACHE_MS: "0" }) } as AppDeps;
const app = Fastify({ logger: false });

function tokenFrom(cookie: string | undefined): string | null {
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie ?? "");
  return m ? decodeURIComponent(m[1]!) : null;
}

const input = (q: unknown): StatsInput => ({ period: ((q as { period?: string }).period ?? "90d") as StatsInput["period"] });

app.get("/admin", async (req, reply) => {
  const token = tokenFrom(req.headers.cookie);
  const session = token ? await resolveSession(db, token) : null;
  if (!session) return reply.code(401).send({ error: "UNAUTHORIZED" });
  if (session.user.role !== "ADMIN") return reply.code(403).send({ error: "FORBIDDEN" });
  return adminStats({ db, deps }, input(req.query));
});

app.get("/seller", async (req, reply) => {
  const token = tokenFrom(req.headers.cookie);
  const session = token ? await resolveSession(db, token) : null;
  if (!session) return reply.code(401).send({ error: "UNAUTHORIZED" });
  const [shop] = (await pool.query(`SELECT "id", "name", "slug", "status" FROM "shops" WHERE "owner_id" = $1 LIMIT 1`, [session.user.id])).rows as ShopContext["shop"][];
  if (!shop) return reply.code(404).send({ error: "NOT_FOUND" });
  return sellerStats({ db, deps, shop, user: session.user, sessionId: session.id } as unknown as ShopContext, input(req.query));
});

runner.ready(await app.listen({ host: "127.0.0.1", port: 0 }));
