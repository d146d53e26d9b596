import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { RouteHistogram } from "./route-histogram.ts";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function both() {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new RouteHistogram("http_seconds", "HTTP requests", BUCKETS, ours);
  const reference = new Histogram({ name: "http_seconds", help: "HTTP requests", labelNames: ["method", "route", "status_code"], buckets: BUCKETS, registers: [theirs] });
  return {
    fast,
    observe(method: string, route: string, status: number, seconds: number) {
      fast.observe(method, route, status, seconds);
      reference.observe({ method, route, status_code: String(status) }, seconds);
    },
    texts: async () => [await ours.metrics(), await theirs.metrics()],
  };
}

describe("RouteHistogram: prom-client's histogram, observed cheaply", () => {
  it("writes exactly what prom-client's Histogram writes for the same observations", async () => {
    const h = both();
    // Bounds themselves (le is "less or equal"), between them, above the last, and zero.
    const seconds = [0, 0.005, 0.0051, 0.01, 0.3, 1, 9.99, 10, 10.01, 42, ...Array.from({ length: 200 }, (_, i) => (i * 0.0173) % 3)];
    // Series first seen interleaved (a route again after another): written in the order first seen.
    const routes = [
      ["GET", "/trpc/:path", 200],
      ["GET", "/healthz", 200],
      ["POST", "/trpc/:path", 200],
      ["GET", "unmatched", 404],
      ["GET", "/trpc/:path", 401],
      ["GET", "/healthz", 503],
    ] as const;
    seconds.forEach((s, i) => {
      const [method, route, status] = routes[i % routes.length]!;
      h.observe(method, route, status, s);
    });
    const [ours, theirs] = await h.texts();
    expect(ours).toBe(theirs);
    expect(ours).toContain('http_seconds_bucket{le="0.005",method="GET",route="/trpc/:path",status_code="200"}');
  });

  it("writes nothing before the first observation, and nothing after a reset", async () => {
    const h = both();
    const [empty, theirsEmpty] = await h.texts();
    expect(empty).toBe(theirsEmpty);
    h.fast.observe("GET", "/healthz", 200, 0.001);
    h.fast.reset();
    expect((await h.texts())[0]).toBe(theirsEmpty);
  });
});
