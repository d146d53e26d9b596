/**
 * "Raw": the floor to compare with. Plain Fastify (no plugins, no logger) and a node-postgres
 * pool of the same size, one route, `GET /trpc/search?input=<the same superjson envelope>`. It parses
 * the input with the same zod schema (for the same defaults and trimming) and runs the very same
 * statements through `runSearch` from the catalog module, with `pool.query(statement.text,
 * statement.values)` instead of Prisma, and the same caches: facets without a query, first pages
 * with one, and whole answers per URL while the catalog's version holds (catalog-answer-cache.ts:
 * the version read first, a kept answer sent as it is, or compressed from a copy made once when
 * the client accepts it, one computation per URL and version).
 * What remains different is everything around the SQL: tRPC, superjson, Prisma, the server's
 * hooks.
 */
import Fastify from "fastify";
import pg from "pg";
import { catalogSearchInput } from "@marketplace/shared";
import { FacetCache } from "../../server/src/modules/catalog/catalog-facet-cache.ts";
import { ResultCache } from "../../server/src/modules/catalog/catalog-result-cache.ts";
import { ANSWER_TTL_MS } from "../../server/src/modules/catalog/catalog-answer-cache.ts";
import { versionStatement } from "../../server/src/modules/catalog/catalog-search-cached.sql.ts";
import { VersionedCache } from "../../server/src/lib/versioned-cache.ts";
import { chooseEncoding, encodedBody, type KeptBody } from "../../server/src/http/kept-encodings.ts";
import { runSearch, type KeptFacets } from "../../server/src/modules/catalog/catalog-search.service.ts";
import { serveRunner } from "../lib/server-side.ts";
import { fastifyWithTransport } from "./transport.ts";
import { RAW_SEARCH_PATH } from "./protocol.ts";


const runner = serveRunner("bench/search/server-raw.ts", () => app.close());

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, options: "-c jit=off", max: Number(process.env.DATABASE_POOL_SIZE ?? "10") });
pool.on("error", () => {});
const caches = {
  facets: new FacetCache<KeptFacets>({ ttlMs: Number(process.env.BENCH_FACET_TTL_MS ?? "10000") }),
  results: new ResultCache({ ttlMs: Number(process.env.BENCH_RESULT_TTL_MS ?? "30000") }),
};
// With BENCH_RAW_TRANSPORT=1, the marketplace's transport parts around the same route (transport.ts).
const app = process.env.BENCH_RAW_TRANSPORT === "1" ? await fastifyWithTransport() : Fastify({ logger: false });

const answers = new VersionedCache<KeptBody>(ANSWER_TTL_MS, 500);

app.get(RAW_SEARCH_PATH, async (req, reply) => {
  reply.type("application/json");
  const version = ((await pool.query(versionStatement.text, versionStatement.values)).rows[0] as { version: string }).version;
  // As the marketplace keeps them (catalog-answer-cache.ts): one computation per URL and version,
  // sent compressed from a copy made once per encoding when the client accepts it.
  const kept = await answers.getOrCompute(req.url, version, async () => {
    const raw = (req.query as { input?: string }).input;
    const input = catalogSearchInput.parse(raw ? (JSON.parse(raw) as { json: unknown }).json : {});
    return { body: Buffer.from(JSON.stringify(await runSearch(async (statement) => (await pool.query(statement.text, statement.values)).rows, input, caches))) };
  });
  const encoding = chooseEncoding(req.headers["accept-encoding"], kept!.body);
  if (!encoding) return kept!.body;
  reply.header("content-encoding", encoding).header("vary", "accept-encoding");
  return encodedBody(kept!, encoding);
});

runner.ready(await app.listen({ host: "127.0.0.1", port: 0 }));
