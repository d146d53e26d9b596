import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Database } from "../../db/client.ts";
import { chooseEncoding, encodedBody, varyWithEncoding, type KeptBody } from "../../http/kept-encodings.ts";
import { VersionedCache } from "../../lib/versioned-cache.ts";
import { catalogVersion } from "./catalog-search.service.ts";

/**
 * Whole answers of `catalog.search`, kept per URL while the catalog has not changed.
 *
 * Why: a search's answer is the same for every shopper (a public procedure that reads nothing of
 * the caller), and shoppers repeat the same few searches. Even from the result cache, each answer
 * went through tRPC (its fetch Request and Response, the envelope), superjson and the card
 * mapping again: about half the server's CPU per search (bench/README.md, "Catalog search").
 *
 * How: a GET of `/trpc/catalog.search` alone (a single call, or the app's batch of one: not with
 * other procedures, and not a streamed answer) reads the catalog's version (one statement: what
 * the search's own cached path reads first anyway), then asks the kept answers
 * (VersionedCache.lookup):
 * - an answer stored at that version is sent as it is: younger than `ANSWER_TTL_MS`, or older
 *   while another request computes it again;
 * - an answer being computed at that version by another request is waited for and sent;
 * - otherwise the request goes on to tRPC, and its answer (200, JSON) is stored with the version
 *   read before it was computed: a write committed meanwhile moves the version, and the stored
 *   answer is not used.
 * So one request per URL and version computes, however many come at once. A kept answer goes
 * out compressed as the client accepts, from a copy compressed once per answer and encoding
 * (kept-encodings.ts), not once per request by the compressor. The version moves
 * with every write to products (prices and stock included), shops, categories and product
 * images: every part of a card. The TTL bounds the one gap (a write whose version bump precedes
 * its commit: catalog-result-cache.ts) and the facets of query-less searches, which are kept for
 * a few seconds whatever the version (catalog-facet-cache.ts). Per process: what one replica
 * stores, the others compute once for themselves. After the rate limit and every other request
 * hook.
 */
export const ANSWER_TTL_MS = 10_000;
const MAX_ANSWERS = 500; // at most ~25 KB each (48 cards and the facets) and a fifth of that per encoding: ~17 MB
const SEARCH_URL_START = "/trpc/catalog.search?";

interface Answer extends KeptBody {
  headers: Record<string, string>;
}

/** Headers of tRPC's answer that are the answer's own (not the request's: its id, its rate limit). */
const KEPT_HEADERS = ["content-type", "vary"];

/** A kept answer, compressed as the compressor would have (once per answer and encoding: kept-encodings.ts). */
function sendKept(request: FastifyRequest, reply: FastifyReply, answer: Answer): FastifyReply {
  reply.headers(answer.headers);
  const encoding = chooseEncoding(request.headers["accept-encoding"], answer.body);
  if (!encoding) return reply.send(answer.body);
  return reply.header("content-encoding", encoding).header("vary", varyWithEncoding(answer.headers.vary)).send(encodedBody(answer, encoding));
}

function keptHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

/** The requests that compute an answer, and whom to tell what they computed. */
const computing = new WeakMap<FastifyRequest, (answer: Answer | undefined) => void>();

export function registerCatalogAnswers(app: FastifyInstance, database: Pick<Database, "read">, ttlMs = ANSWER_TTL_MS): VersionedCache<Answer> {
  const answers = new VersionedCache<Answer>(ttlMs, MAX_ANSWERS);
  if (ttlMs <= 0) return answers;

  /** The kept answer for a search at the catalog's version now; or undefined, the request computing it if it should. */
  const keptAnswer = async (request: FastifyRequest): Promise<Answer | undefined> => {
    const found = answers.lookup(request.url, await catalogVersion(database));
    // A computation that failed leaves its waiters to compute for themselves (nothing is stored).
    const answer = found.wait ? await found.wait : found.value;
    if (!answer && found.compute) computing.set(request, found.compute);
    return answer;
  };
  // Written with `done`, not async: every other request passes without making a promise.
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method !== "GET" || !request.url.startsWith(SEARCH_URL_START) || request.headers["trpc-accept"]) return done();
    keptAnswer(request).then((answer) => {
      if (answer) sendKept(request, reply, answer);
      else done();
    }, done);
  });

  // After registerWholeJsonAnswers' hook: the payload is then the answer's bytes. Every answer
  // passes here, errors too, so a computing request always reports (else VersionedCache gives up on it).
  app.addHook("onSend", (request, reply, payload, done) => {
    const report = computing.get(request);
    if (report) {
      computing.delete(request);
      report(reply.statusCode === 200 && Buffer.isBuffer(payload) ? { body: payload, headers: keptHeaders(reply) } : undefined);
    }
    done(null, payload);
  });
  return answers;
}
