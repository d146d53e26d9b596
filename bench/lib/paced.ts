/**
 * Requests at a fixed rate, evenly spaced, over at most `connections` keep-alive connections:
 * the latency of a search below saturation. (autocannon's `overallRate` sends each second's
 * requests in a burst at the start of the second, which measures its own queue.)
 *
 * Latency runs from the moment a request was due, so a request that waited for a free
 * connection counts that wait (no coordinated omission).
 */
import http from "node:http";

export interface PacedResult {
  latencies: number[];
  errors: number;
  non2xx: number;
  /** Requests completed per second. */
  rps: number;
}

export async function paced(url: string, rate: number, seconds: number, connections: number, headers: Record<string, string> = {}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();
  const request = (due: number) => {
    const p = new Promise<void>((resolve) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
          else non2xx++;
          resolve();
        });
        res.on("error", () => {
          errors++;
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };

  const interval = 1000 / rate;
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // Everything due by now goes out (timers are coarse; this keeps the average rate exact).
    while (sent < total && start + sent * interval <= now) request(start + sent++ * interval);
    const next = start + sent * interval - performance.now();
    if (next > 0) await new Promise((r) => setTimeout(r, Math.max(1, Math.floor(next))));
  }
  await Promise.all([...inFlight]);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { latencies, errors, non2xx, rps: latencies.length / elapsed };
}
