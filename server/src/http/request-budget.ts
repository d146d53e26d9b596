import type { FastifyInstance } from "fastify";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { retryAfterSeconds } from "../lib/rate-limiter.ts";

/** Probes a balancer or an orchestrator sends often, from few addresses: never counted. */
const UNCOUNTED = new Set(["/healthz", "/readyz"]);

const WINDOW_SECONDS = 60;

/**
 * The per-IP request budget (RATE_LIMIT_PER_MINUTE, SECURITY.md 25): every HTTP request but the
 * health probes takes one point from its client's budget, in a fixed window of a minute from the
 * client's first request. Every answer tells the budget (`X-RateLimit-Limit`, `-Remaining`,
 * `-Reset` in seconds); past it, 429 with the real rest of the window in `Retry-After`.
 *
 * - Counted per process (a memory limiter): behind N replicas a client gets at most N budgets.
 *   Sharing them through Redis would cost every request of the catalog a round trip; the attempt
 *   limits that guard secrets (logins, passwords) are the ones shared (rate-limiter.ts).
 * - The key is the client's IP as `req.ip` reads it (TRUST_PROXY_HOPS), and an IPv6 client's
 *   /64 network: one host holds a whole /64, and could otherwise take a fresh budget per address.
 *
 * The count is rate-limiter-flexible's atomic consume, as for the attempt limits. It replaced
 * @fastify/rate-limit, whose hooks were added per route: a 404, and the pages the client app
 * answers from the not-found handler, were never counted. In CPU profiles of 60,000 kept search
 * answers the two cost about the same (2.5 µs per request for the plugin, 2.1 µs here).
 */
export function registerRequestBudget(app: FastifyInstance, perMinute: number): void {
  const limiter = new RateLimiterMemory({ keyPrefix: "http", points: perMinute, duration: WINDOW_SECONDS });
  const limit = String(perMinute);

  app.addHook("onRequest", (req, reply, done) => {
    if (UNCOUNTED.has(req.url)) return done();
    limiter.consume(budgetKey(req.ip)).then(
      (res) => {
        reply.headers({
          "x-ratelimit-limit": limit,
          "x-ratelimit-remaining": String(res.remainingPoints),
          "x-ratelimit-reset": String(retryAfterSeconds(res)),
        });
        done();
      },
      (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) return done(err as Error);
        const seconds = retryAfterSeconds(err);
        void reply
          .code(429)
          .headers({ "x-ratelimit-limit": limit, "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(seconds), "retry-after": String(seconds) })
          .send({ statusCode: 429, error: "Too Many Requests", message: `Rate limit exceeded, retry in ${seconds} s` });
      },
    );
  });
}

/**
 * Whose budget a request takes: an IPv4 address as it is (an IPv4-mapped IPv6 address as its IPv4
 * address), an IPv6 address as its /64 network (`2001:db8:1:2::/64`).
 */
export function budgetKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const address = ip.split("%")[0]!; // a zone index (fe80::1%eth0) names an interface, not a host
  const [head = "", tail] = address.split("::");
  const groups = (part: string) => (part ? part.split(":").flatMap(dottedQuadAsGroups) : []);
  const front = groups(head);
  const back = tail === undefined ? undefined : groups(tail);
  // With "::", the groups missing between the head and the tail are zeros.
  const full = back === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill("0"), ...back];
  const network = full.slice(0, 4).map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16).toString(16) : g.toLowerCase()));
  while (network.length < 4) network.push("0");
  return `${network.join(":")}::/64`;
}

/** An IPv4 address written at the end of an IPv6 one (`64:ff9b::192.0.2.1`) holds two groups. */
function dottedQuadAsGroups(group: string): string[] {
  if (!group.includes(".")) return [group];
  const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
