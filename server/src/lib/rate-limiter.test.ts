import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "./rate-limiter.ts";

describe("MemoryRateLimiter", () => {
  it("allows `limit` hits per window, then refuses with a retry-after until the window ends", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    for (let i = 0; i < 3; i++) expect((await limiter.hit("k", 3, 10_000)).allowed).toBe(true);
    const over = await limiter.hit("k", 3, 10_000);
    expect(over).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 10 });
    expect((await limiter.peek("k", 3, 10_000)).remaining).toBe(0);
    now += 10_000;
    expect((await limiter.peek("k", 3, 10_000)).remaining).toBe(3);
    expect((await limiter.hit("k", 3, 10_000)).allowed).toBe(true);
  });

  it("keeps keys apart and forgets a key on reset", async () => {
    const limiter = new MemoryRateLimiter();
    await limiter.hit("a", 1, 60_000);
    expect((await limiter.hit("a", 1, 60_000)).allowed).toBe(false);
    expect((await limiter.hit("b", 1, 60_000)).allowed).toBe(true);
    await limiter.reset("a");
    expect((await limiter.hit("a", 1, 60_000)).allowed).toBe(true);
  });
});
