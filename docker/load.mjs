#!/usr/bin/env node
/**
 * Steady catalog searches for docker/test.sh (loopback only, bounded): `node load.mjs <seconds>
 * <concurrency> <primary> <fallback>`. Each worker sends one search at a time to the primary;
 * when the primary refuses a new connection (it is shutting down), the request is re-sent to the
 * fallback, as a load balancer does (nginx's proxy_next_upstream, Kubernetes endpoints). Prints
 * one JSON line: sent, answered (by whom), failed (and why).
 */
const [seconds = "8", concurrency = "4", primary, fallback] = process.argv.slice(2);
if (!primary || !fallback) throw new Error("usage: load.mjs <seconds> <concurrency> <primaryUrl> <fallbackUrl>");
const input = encodeURIComponent(JSON.stringify({ json: { q: "lamp" } }));
const path = `/trpc/catalog.search?input=${input}`;
const until = Date.now() + Number(seconds) * 1000;
const counts = { sent: 0, answeredByPrimary: 0, answeredByFallback: 0, retriedOnFallback: 0, failed: 0, failures: {} };
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
        if (reason !== "ECONNREFUSED") {
          counts.failed++;
          counts.failures[reason] = (counts.failures[reason] ?? 0) + 1;
          continue;
        }
        primaryDown = true; // refused: the primary has stopped listening; go to the fallback
        counts.retriedOnFallback++;
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
