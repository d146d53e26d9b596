#!/usr/bin/env node
/**
 * Steady catalog searches for docker/test.sh (loopback only, bounded): `node load.mjs <seconds>
 * <concurrency> <primary> <fallback>`. Each worker sends one search at a time to the primary;
 * when the primary refuses a connection (it has stopped listening) or resets one (a kept-alive
 * connection closed by the draining server just as a request was sent on it), the request is
 * re-sent to the fallback, as a load balancer does for GETs (nginx's proxy_next_upstream error),
 * and so is a 503 (Fastify's answer to a request that arrives while it closes; nginx.conf re-sends it).
 * Any other error or non-2xx answer is a failure. Prints one JSON line.
 */
const [seconds = "8", concurrency = "4", primary, fallback] = process.argv.slice(2);
if (!primary || !fallback) throw new Error("usage: load.mjs <seconds> <concurrency> <primaryUrl> <fallbackUrl>");
const input = encodeURIComponent(JSON.stringify({ json: { q: "lamp" } }));
const path = `/trpc/catalog.search?input=${input}`;
const until = Date.now() + Number(seconds) * 1000;
const counts = { sent: 0, answeredByPrimary: 0, answeredByFallback: 0, retriedOnFallback: {}, failed: 0, failures: {} };
/** What a load balancer re-sends elsewhere: a refused or reset connection, and 503 (Fastify's answer while closing). */
const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "HTTP_503"]);
let primaryDown = false;

async function once(base) {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { code: `HTTP_${res.status}` });
}

const reasonOf = (err) => err?.cause?.code ?? err?.code ?? err?.name ?? "error";

async function worker() {
  while (Date.now() < until) {
    counts.sent++;
    if (!primaryDown) {
      try {
        await once(primary);
        counts.answeredByPrimary++;
        continue;
      } catch (err) {
        const reason = reasonOf(err);
        if (!CONNECTION_ERRORS.has(reason)) {
          counts.failed++;
          counts.failures[reason] = (counts.failures[reason] ?? 0) + 1;
          continue;
        }
        if (reason === "ECONNREFUSED") primaryDown = true; // stopped listening: the fallback from now on
        counts.retriedOnFallback[reason] = (counts.retriedOnFallback[reason] ?? 0) + 1;
      }
    }
    try {
      await once(fallback);
      counts.answeredByFallback++;
    } catch (err) {
      const reason = reasonOf(err);
      counts.failed++;
      counts.failures[reason] = (counts.failures[reason] ?? 0) + 1;
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, worker));
console.log(JSON.stringify(counts));
