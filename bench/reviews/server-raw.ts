/**
 * "Raw": the floor to compare with. Plain Fastify (no plugins, no logger) and a node-postgres
 * pool of the same size, running the very statements the real server sends (statements.ts,
 * captured by capture.ts) in the same order and with the same concurrency:
 *
 *   GET /list?input=<the same superjson envelope as ours>
 *     the product-visible check; then the page (limit + 1 rows, author name joined) and, on a
 *     first page, the product's figures, at once; the same answer shape (next cursor included).
 *   POST /review (same body and session cookie as ours)
 *     the session lookup; the product, then its shop; BEGIN; the entitling delivered order; the
 *     review INSERT; the figures UPDATE on the product row; the activity INSERT; COMMIT.
 *
 * What it skips (ours does it): tRPC (routing, envelope, error formatting), superjson, zod
 * (input parsing here is JSON.parse and a few checks; the cursor is decoded without its zod
 * schema), the context (the session lookup of anonymous list requests is nothing either way;
 * for writes raw runs the same statement), Fastify's security hooks (helmet headers, CORS, the
 * per-IP rate limit, the JSON-only mutation check), Prisma (its query building, interactive
 * transaction and result mapping), the per-user review allowance (in-memory limiter), the event
 * buffer, and the retry of a transaction aborted by a deadlock (raw answers 500 instead).
 */
import { createHash } from "node:crypto";
import Fastify from "fastify";
import pg from "pg";
import { newId } from "../../server/src/lib/ids.ts";
import { serveRunner } from "../lib/server-side.ts";
import { SESSION_COOKIE } from "./protocol.ts";
import * as S from "./statements.ts";

const runner = serveRunner("bench/reviews/server-raw.ts", () => app.close());

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, options: "-c jit=off", max: Number(process.env.DATABASE_POOL_SIZE ?? "10") });
pool.on("error", () => {});
const app = Fastify({ logger: false });

interface ReviewRow {
  id: string;
  authorId: string;
  rating: number;
  title: string | null;
  body: string;
  createdAt: Date;
  sellerOrderId: string | null;
  helpfulCount: number;
  reply: string | null;
  repliedAt: Date | null;
  authorName: string;
}

interface FigureRow {
  ratingAvg: number;
  ratingCount: number;
  rating1: number;
  rating2: number;
  rating3: number;
  rating4: number;
  rating5: number;
}

const encodeCursor = (c: { k?: number; t: number; id: string }) => Buffer.from(JSON.stringify(c)).toString("base64url");

app.get("/list", async (req, reply) => {
  const raw = (req.query as { input?: string }).input;
  const input = (JSON.parse(raw ?? "{}") as { json: S.ListInput }).json;
  let st: ReturnType<typeof S.listStatements>;
  try {
    st = S.listStatements(input);
  } catch {
    return reply.code(400).send({ error: "only the benchmarked shapes" });
  }
  const limit = input.limit ?? 10;
  const sort = input.sort ?? "newest";
  const visible = await pool.query(st.visible.text, st.visible.values);
  if (!visible.rows.length) return reply.code(404).send({ error: "Product not found" });
  const [rows, figures] = await Promise.all([
    pool.query<ReviewRow>(st.page.text, st.page.values).then((r) => r.rows),
    st.figures ? pool.query<FigureRow>(st.figures.text, st.figures.values).then((r) => r.rows[0]) : null,
  ]);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ ...(sort === "helpful" ? { k: last.helpfulCount } : {}), t: last.createdAt.getTime(), id: last.id }) : null;
  return {
    items: items.map((r) => ({
      id: r.id,
      rating: r.rating,
      title: r.title,
      body: r.body,
      createdAt: r.createdAt,
      verified: r.sellerOrderId !== null,
      author: { name: r.authorName },
      helpfulCount: r.helpfulCount,
      reply: r.reply && r.repliedAt ? { body: r.reply, createdAt: r.repliedAt } : null,
      mine: false,
      votedHelpful: false,
    })),
    nextCursor,
    summary: figures
      ? { ratingAvg: figures.ratingAvg, ratingCount: figures.ratingCount, histogram: { 1: figures.rating1, 2: figures.rating2, 3: figures.rating3, 4: figures.rating4, 5: figures.rating5 } }
      : null,
  };
});

function tokenFrom(cookie: string | undefined): string | null {
  const m = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookie ?? "");
  return m ? decodeURIComponent(m[1]!) : null;
}

interface SessionRow {
  expiresAt: Date;
  revokedAt: Date | null;
  user: { id: string; name: string; status: string };
}

app.post("/review", async (req, reply) => {
  const input = (req.body as { json?: { productId?: string; rating?: number; title?: string; body?: string } }).json;
  if (!input?.productId || !input.rating || !input.body) return reply.code(400).send({ error: { code: "BAD_REQUEST" } });
  const token = tokenFrom(req.headers.cookie);
  if (!token) return reply.code(401).send({ error: { code: "UNAUTHORIZED" } });
  const session = (await pool.query<SessionRow>(S.SESSION, [createHash("sha256").update(token).digest("hex")])).rows[0];
  if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now() || session.user.status !== "ACTIVE") {
    return reply.code(401).send({ error: { code: "UNAUTHORIZED" } });
  }
  const user = session.user;
  const product = (await pool.query<{ shopId: string; title: string }>(S.PRODUCT_FOR_REVIEW, [input.productId, "1"])).rows[0];
  if (!product) return reply.code(404).send({ error: { code: "NOT_FOUND" } });
  const shop = (await pool.query<{ ownerId: string }>(S.SHOP_FOR_REVIEW, [product.shopId, "1"])).rows[0];
  if (!shop) return reply.code(404).send({ error: { code: "NOT_FOUND" } });
  if (shop.ownerId === user.id) return reply.code(403).send({ error: { code: "FORBIDDEN" } });
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const so = (await client.query<{ id: string }>(S.ENTITLING_ORDER, [user.id, product.shopId, input.productId])).rows[0];
    if (!so) {
      await client.query("ROLLBACK");
      return reply.code(403).send({ error: { code: "FORBIDDEN" } });
    }
    const now = new Date();
    const review = (
      await client.query<{ id: string; created_at: Date }>(S.INSERT_REVIEW, [
        newId(), user.id, product.shopId, input.productId, so.id, input.rating, input.title || null, input.body, "VISIBLE", 0, 0, now, now,
      ])
    ).rows[0]!;
    const figures = (await client.query<{ ratingAvg: number; ratingCount: number }>(S.MOVE_FIGURES, S.figureParams(input.rating, input.productId))).rows[0]!;
    await client.query(S.INSERT_ACTIVITY, [
      newId(), "review.created", user.id, "review", review.id, `${user.name} rated ${product.title} ${input.rating}/5`,
      JSON.stringify({ rating: input.rating, productId: input.productId, shopId: product.shopId }), new Date(),
    ]);
    await client.query("COMMIT");
    return { result: { data: { json: { id: review.id, rating: input.rating, createdAt: review.created_at, ...figures } } } };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    const code = (err as { code?: string }).code;
    if (code === "23505") return reply.code(409).send({ error: { code: "CONFLICT" } });
    return reply.code(500).send({ error: { code: "INTERNAL_SERVER_ERROR", pg: code, message: (err as Error).message } });
  } finally {
    client.release();
  }
});

runner.ready(await app.listen({ host: "127.0.0.1", port: 0 }));
