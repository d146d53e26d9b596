import { afterEach, describe, expect, it, vi } from "vitest";
import { VersionedCache } from "./versioned-cache.ts";

/** A computation the test finishes when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("VersionedCache.lookup: one computation per key and version", () => {
  afterEach(() => vi.useRealTimers());

  it("the first request computes; the ones that come meanwhile wait for its value", async () => {
    const cache = new VersionedCache<string>(1_000, 10, () => 0);
    const first = cache.lookup("/search?q=wool", "db:7");
    expect(first.compute).toBeTypeOf("function");
    const others = [cache.lookup("/search?q=wool", "db:7"), cache.lookup("/search?q=wool", "db:7")];
    expect(others.every((o) => o.wait !== undefined)).toBe(true);
    // Another key is another computation.
    expect(cache.lookup("/search?q=mug", "db:7").compute).toBeTypeOf("function");

    first.compute!("wool at 7");
    expect(await Promise.all(others.map((o) => o.wait!))).toEqual(["wool at 7", "wool at 7"]);
    expect(cache.lookup("/search?q=wool", "db:7").value).toBe("wool at 7");
  });

  it("past its TTL at the same version, one request computes it again and the others get the kept value", () => {
    let now = 0;
    const cache = new VersionedCache<string>(1_000, 10, () => now);
    cache.lookup("/a", "db:7").compute!("a, first");
    now = 1_500;
    const refresher = cache.lookup("/a", "db:7");
    expect(refresher.compute).toBeTypeOf("function");
    expect(cache.lookup("/a", "db:7").value).toBe("a, first");
    expect(cache.lookup("/a", "db:7").value).toBe("a, first");
    refresher.compute!("a, second");
    expect(cache.lookup("/a", "db:7").value).toBe("a, second");
    expect(cache.computing).toBe(0);
  });

  it("never gives a value of another version, kept or being computed", async () => {
    const cache = new VersionedCache<string>(60_000, 10, () => 0);
    cache.lookup("/a", "db:7").compute!("a at 7");
    const at8 = cache.lookup("/a", "db:8");
    expect(at8.compute).toBeTypeOf("function");
    // A request that read the version before the write still computes its own at 7...
    const at7 = cache.lookup("/a", "db:7");
    expect(at7.compute).toBeTypeOf("function");
    // ...and one that read 8 waits for 8's.
    const waiting = cache.lookup("/a", "db:8");
    expect(waiting.wait).toBeDefined();
    at8.compute!("a at 8");
    expect(await waiting.wait).toBe("a at 8");
    expect(cache.lookup("/a", "db:8").value).toBe("a at 8");
    // The late one at 7 is kept (the last to report), and is used by nobody at 8: they compute again.
    at7.compute!("a at 7, late");
    expect(cache.lookup("/a", "db:8").compute).toBeTypeOf("function");
    expect(cache.lookup("/a", "db:9").compute).toBeTypeOf("function");
  });

  it("a failed computation keeps nothing: its waiters learn it, and the next request computes", async () => {
    const cache = new VersionedCache<string>(60_000, 10, () => 0);
    const first = cache.lookup("/a", "db:7");
    const waiter = cache.lookup("/a", "db:7");
    first.compute!(undefined);
    expect(await waiter.wait).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.lookup("/a", "db:7").compute).toBeTypeOf("function");
  });

  it("a computation that never reports is given up after its time: waiters are released", async () => {
    vi.useFakeTimers();
    const cache = new VersionedCache<string>(60_000, 10, () => 0, 5_000);
    cache.lookup("/a", "db:7"); // computes, and never reports
    const waiter = cache.lookup("/a", "db:7");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await waiter.wait).toBeUndefined();
    expect(cache.computing).toBe(0);
    expect(cache.lookup("/a", "db:7").compute).toBeTypeOf("function");
  });

  it("getOrCompute runs one computation for concurrent callers, and none for later ones", async () => {
    const cache = new VersionedCache<string>(60_000, 10, () => 0);
    const running = deferred<string>();
    const compute = vi.fn(() => running.promise);
    const calls = Array.from({ length: 5 }, () => cache.getOrCompute("/a", "db:7", compute));
    running.resolve("a");
    expect(await Promise.all(calls)).toEqual(["a", "a", "a", "a", "a"]);
    expect(await cache.getOrCompute("/a", "db:7", compute)).toBe("a");
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it("getOrCompute: a computation that throws fails its caller, and each waiter then computes for itself", async () => {
    const cache = new VersionedCache<string>(60_000, 10, () => 0);
    const running = deferred<string>();
    const first = cache.getOrCompute("/a", "db:7", () => running.promise);
    const second = cache.getOrCompute("/a", "db:7", async () => "a, computed by the waiter");
    running.reject(new Error("the database went away"));
    await expect(first).rejects.toThrow("the database went away");
    expect(await second).toBe("a, computed by the waiter");
  });

  it("with a time of 0 every request computes and nothing is kept", () => {
    const cache = new VersionedCache<string>(0, 10, () => 0);
    cache.lookup("/a", "v").compute!("a");
    expect(cache.lookup("/a", "v").compute).toBeTypeOf("function");
    expect(cache.size).toBe(0);
    expect(cache.computing).toBe(0);
  });
});
