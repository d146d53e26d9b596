import autocannon from "autocannon";
import { paced } from "./paced.ts";
import type { ServerProcess } from "./processes.ts";
import { percentile, sortedCopy } from "./stats.ts";

/**
 * HTTP load for the read benchmarks (search, review lists): one URL driven either saturated
 * (autocannon, `connections` connections each sending its next request as soon as the last one is
 * answered) or paced (a fixed, evenly spaced rate; paced.ts). Percentiles come from every
 * successful response's own latency; the server's CPU per request from its process CPU time.
 */

export interface LoadStats {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Node process CPU per request, ms (the database's CPU is not in it). */
  cpuPerRequestMs: number;
}

export async function drive(
  server: Pick<ServerProcess, "cpuMs">,
  url: string,
  o: { connections: number; seconds: number; rate?: number | null; headers?: Record<string, string> },
): Promise<LoadStats> {
  const cpuBefore = await server.cpuMs();
  let latencies: number[] = [];
  let rps: number;
  let errors: number;
  let timeouts = 0;
  let non2xx: number;
  if (o.rate == null) {
    const instance = autocannon({ url, connections: o.connections, duration: o.seconds, timeout: 30, headers: o.headers ?? {} });
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    const result = await instance;
    rps = latencies.length / result.duration;
    ({ errors, timeouts, non2xx } = result);
  } else {
    ({ latencies, rps, errors, non2xx } = await paced(url, o.rate, o.seconds, o.connections, o.headers));
  }
  const cpu = (await server.cpuMs()) - cpuBefore;
  const sorted = sortedCopy(latencies);
  return {
    requests: latencies.length,
    rps,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors,
    timeouts,
    non2xx,
    cpuPerRequestMs: latencies.length ? cpu / latencies.length : NaN,
  };
}
