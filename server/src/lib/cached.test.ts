import { describe, expect, it } from "vitest";
import { cachedFor } from "./cached.ts";

describe("cachedFor", () => {
  it("shares one call among callers during it and for ttl after it settles, then calls again", async () => {
    let now = 0;
    let calls = 0;
    let release: (v: number) => void = () => {};
    const get = cachedFor(1_000, () => new Promise<number>((r) => ((calls += 1), (release = r))), () => now);
    const during = [get(), get(), get()];
    now = 5_000; // a slow call stays shared while it runs
    const late = get();
    release(42);
    expect(await Promise.all([...during, late])).toEqual([42, 42, 42, 42]);
    expect(calls).toBe(1);
    now = 5_999;
    expect(await get()).toBe(42);
    expect(calls).toBe(1);
    now = 6_000;
    const next = get();
    release(7);
    expect(await next).toBe(7);
    expect(calls).toBe(2);
  });
});
