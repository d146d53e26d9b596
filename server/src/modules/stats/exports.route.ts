import { Readable } from "node:stream";
import { statsExportInput } from "@marketplace/shared";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { resolveSession } from "../auth/session.service.ts";
import { readSessionToken } from "../auth/session-cookie.ts";
import type { AppDeps, SessionUser } from "../../scope.ts";
import { ledgerCsv, orderLinesCsv } from "./exports.service.ts";
import { roleCan } from "@marketplace/shared";
import { isRefusal, resolveMembership } from "../teams/membership.ts";
import { resolvePeriod, type ResolvedPeriod } from "./period.ts";

/**
 * CSV downloads (plain GETs so the browser saves them; the session cookie authorises them, and
 * SameSite=Lax plus the role checks keep them to their owner):
 * - `GET /exports/shop-orders.csv`: the caller's shop's orders, one line per item;
 * - `GET /exports/orders.csv` and `GET /exports/ledger.csv`: every shop's, admins only.
 * The query is the dashboards' period (`period`, or `from` and `to`); the answer is streamed.
 */
export async function registerExports(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const db = deps.database.prisma;
  await app.register(async (scope) => {
    scope.get("/exports/shop-orders.csv", async (req, reply) => {
      const start = await begin(req, reply, deps);
      if (!start) return reply;
      // A plain link cannot send the x-shop-id header: a member of several shops names it in the query.
      const found = await resolveMembership(db, start.user.id, start.shopId);
      if (isRefusal(found)) return reply.code(found.code === "NOT_FOUND" ? 404 : found.code === "FORBIDDEN" ? 403 : 400).send({ message: found.message });
      if (!roleCan(found.role, "money.read")) return reply.code(403).send({ error: "Forbidden", message: "Your role in this shop does not see sales figures" });
      const shop = found.shop;
      return send(reply, `${shop.slug}-orders-${start.period.from}-${start.period.to}.csv`, orderLinesCsv(db, start.period, shop.id));
    });
    scope.get("/exports/orders.csv", async (req, reply) => {
      const start = await begin(req, reply, deps, { admin: true });
      if (!start) return reply;
      return send(reply, `orders-${start.period.from}-${start.period.to}.csv`, orderLinesCsv(db, start.period, null));
    });
    scope.get("/exports/ledger.csv", async (req, reply) => {
      const start = await begin(req, reply, deps, { admin: true });
      if (!start) return reply;
      return send(reply, `ledger-${start.period.from}-${start.period.to}.csv`, ledgerCsv(db, start.period));
    });
  });
}

/** The signed-in caller and the period asked for, or null once the refusal has been sent. */
async function begin(req: FastifyRequest, reply: FastifyReply, deps: AppDeps, opts: { admin?: boolean } = {}): Promise<{ user: SessionUser; period: ResolvedPeriod; shopId: string | null } | null> {
  const token = readSessionToken(req, deps.config);
  const session = token ? await resolveSession(deps.database.prisma, token) : null;
  if (!session) {
    await reply.code(401).send({ error: "Unauthorized", message: "Sign in first" });
    return null;
  }
  if (opts.admin && session.user.role !== "ADMIN") {
    await reply.code(403).send({ error: "Forbidden", message: "Admins only" });
    return null;
  }
  const { shopId, ...query } = (req.query ?? {}) as Record<string, unknown>;
  const parsed = statsExportInput.safeParse(query);
  if (!parsed.success) {
    await reply.code(400).send({ error: "Bad Request", message: "Choose a period", fieldErrors: parsed.error.flatten().fieldErrors });
    return null;
  }
  return { user: session.user, period: resolvePeriod(parsed.data, deps.config.STATS_TIME_ZONE), shopId: typeof shopId === "string" && shopId ? shopId : null };
}

function send(reply: FastifyReply, filename: string, lines: AsyncGenerator<string>) {
  return reply
    .header("content-type", "text/csv; charset=utf-8")
    .header("content-disposition", `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`)
    .header("cache-control", "no-store")
    .send(Readable.from(lines));
}
