import { describe, expect, it } from "vitest";
import { FacetCache } from "./catalog-facet-cache.ts";

function setup(opts: { ttlMs?: number; staleMs?: number; maxEntries?: number } = {}) {
  let now = 0;
  const cache = new FacetCache<number>({ ttlMs: 100, staleMs: 1_000, now: () => now, ...opts });
  let loads = 0;
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  /** A load that resolves only when told to. */
  const load = () =>
    new Promise<number>((resolve, reject) => {
      loads++;
      pending.push({ resolve, reject });
    });
  return {
    cache,
    load,
    loads: () => loads,
    settle: async (v: number) => {
      pending.shift()!.resolve(v);
      await new Promise((r) => setTimeout(r, 0));
    },
    fail: async () => {
      pending.shift()!.reject(new Error("boom"));
      await new Promise((r) => setTimeout(r, 0));
    },
    at: (t: number) => (now = t),
  };
}

describe("the facet cache", () => {
  it("shares one computation between concurrent callers and serves it while fresh", async () => {
    const c = setup();
    const a = c.cache.get("k", c.load);
    const b = c.cache.get("k", c.load);
    expect(c.loads()).toBe(1);
    await c.settle(1);
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    c.at(99);
    expect(await c.cache.get("k", c.load)).toBe(1);
    expect(c.loads()).toBe(1);
    // Other filters, other entry.
    void c.cache.get("other", c.load);
    expect(c.loads()).toBe(2);
  });

  it("serves a stale entry at once and refreshes it once in the background", async () => {
    const c = setup();
    const first = c.cache.get("k", c.load);
    await c.settle(1);
    await first;
    c.at(150);
    expect(await c.cache.get("k", c.load)).toBe(1);
    expect(await c.cache.get("k", c.load)).toBe(1);
    expect(c.loads()).toBe(2); // one refresh, not one per request
    await c.settle(2);
    expect(await c.cache.get("k", c.load)).toBe(2);
    // The refreshed entry is fresh from when its refresh started.
    c.at(249);
    expect(await c.cache.get("k", c.load)).toBe(2);
    expect(c.loads()).toBe(2);
  });

  it("recomputes, and makes callers wait, once an entry is too old to serve", async () => {
    const c = setup();
    const first = c.cache.get("k", c.load);
    await c.settle(1);
    await first;
    c.at(1_000);
    const late = c.cache.get("k", c.load);
    expect(c.loads()).toBe(2);
    await c.settle(3);
    expect(await late).toBe(3);
  });

  it("forgets a failed computation, and keeps the stale entry when a refresh fails", async () => {
    const c = setup();
    const failed = c.cache.get("k", c.load);
    await c.fail();
    await expect(failed).rejects.toThrow("boom");
    const again = c.cache.get("k", c.load);
    expect(c.loads()).toBe(2);
    await c.settle(1);
    expect(await again).toBe(1);
    c.at(200);
    expect(await c.cache.get("k", c.load)).toBe(1); // stale, refresh started
    await c.fail();
    expect(await c.cache.get("k", c.load)).toBe(1); // still served; a new refresh starts
    expect(c.loads()).toBe(4);
  });

  it("computes every time with a TTL of 0, and evicts the oldest entry beyond its size", async () => {
    const off = setup({ ttlMs: 0 });
    void off.cache.get("k", off.load);
    void off.cache.get("k", off.load);
    expect(off.loads()).toBe(2);

    const small = setup({ maxEntries: 2 });
    for (const k of ["a", "b", "c"]) void small.cache.get(k, small.load);
    for (let i = 0; i < 3; i++) await small.settle(i);
    void small.cache.get("b", small.load);
    void small.cache.get("c", small.load);
    expect(small.loads()).toBe(3);
    void small.cache.get("a", small.load);
    expect(small.loads()).toBe(4);
  });

  it("past its TTL, keeps a value its check finds still current (no recount), and recounts one that is not", async () => {
    const c = setup();
    let current = true;
    let checks = 0;
    const stillCurrent = async () => (checks++, current);
    const first = c.cache.get("k", c.load, stillCurrent);
    await c.settle(1);
    expect(await first).toBe(1);

    // Stale and unchanged: served at once, checked once, not loaded; fresh again for a TTL.
    c.at(150);
    expect(await c.cache.get("k", c.load, stillCurrent)).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect([checks, c.loads()]).toEqual([1, 1]);
    c.at(240);
    expect(await c.cache.get("k", c.load, stillCurrent)).toBe(1);
    expect(checks).toBe(1);

    // Stale and changed: served at once while one recount runs, then the new value.
    current = false;
    c.at(300);
    expect(await c.cache.get("k", c.load, stillCurrent)).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect([checks, c.loads()]).toEqual([2, 2]);
    await c.settle(2);
    expect(await c.cache.get("k", c.load, stillCurrent)).toBe(2);
  });
});
