import { RateLimiterRes } from "rate-limiter-flexible";
import { afterEach, describe, expect, it, vi } from "vitest";
import { consumeOrThrow, memoryLimiterStore, tryConsume } from "./rate-limiter.ts";
import { DomainError } from "./errors.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("memory limiter store", () => {
  it("allows `points` attempts per window, then refuses with a retry-after until the window ends", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const limiter = memoryLimiterStore().limiter({ name: "t", points: 3, durationSeconds: 10 });
    for (let i = 0; i < 3; i++) expect(await tryConsume(limiter, "k")).toBe(true);
    const over = await limiter.consume("k").catch((e: unknown) => e);
    expect(over).toBeInstanceOf(RateLimiterRes);
    expect(over).toMatchObject({ remainingPoints: 0, msBeforeNext: 10_000 });
    await expect(consumeOrThrow(limiter, "k")).rejects.toMatchObject({ kind: "TOO_MANY_REQUESTS", details: { retryAfterSeconds: 10 } });
    expect((await limiter.get("k"))?.remainingPoints).toBe(0);
    vi.setSystemTime(1_000_000 + 10_000);
    expect(await tryConsume(limiter, "k")).toBe(true);
    expect((await limiter.get("k"))?.remainingPoints).toBe(2);
  });

  it("keeps keys apart and forgets a key on delete", async () => {
    const limiter = memoryLimiterStore().limiter({ name: "t", points: 1, durationSeconds: 60 });
    await limiter.consume("a");
    expect(await tryConsume(limiter, "a")).toBe(false);
    expect(await tryConsume(limiter, "b")).toBe(true);
    await limiter.delete("a");
    expect(await tryConsume(limiter, "a")).toBe(true);
  });

  it("hands out one limiter per rule name, and refuses one name with two budgets", async () => {
    const store = memoryLimiterStore();
    const rule = { name: "login:ip", points: 2, durationSeconds: 60 };
    expect(store.limiter(rule)).toBe(store.limiter({ ...rule }));
    expect(() => store.limiter({ ...rule, points: 3 })).toThrow(/defined twice/);
  });

  it("answers a spent budget with a domain error naming the real remaining window", async () => {
    const limiter = memoryLimiterStore().limiter({ name: "t", points: 1, durationSeconds: 15 * 60 });
    await consumeOrThrow(limiter, "k");
    const err = await consumeOrThrow(limiter, "k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details?.retryAfterSeconds).toBeGreaterThan(14 * 60);
  });
});
