import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startPeriodic } from "./periodic.ts";

/** A round that stays under way until the test ends it. */
function heldRound() {
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

describe("startPeriodic: the background loops' one timer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs a round every interval, never two at once", async () => {
    const rounds: ReturnType<typeof heldRound>[] = [];
    const loop = startPeriodic(
      () => {
        const r = heldRound();
        rounds.push(r);
        return r.done;
      },
      { intervalMs: 1_000, onFailure: () => {} },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(rounds).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(rounds).toHaveLength(1);
    // A round still under way: the next interval starts none, and a kick waits for it.
    loop.kick();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rounds).toHaveLength(1);
    rounds[0]!.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(rounds).toHaveLength(2); // the kick, right after the round it waited for
    rounds[1]!.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rounds).toHaveLength(3);
    rounds[2]!.finish();
    await loop.stop();
  });

  it("stop waits for the round under way, and no round starts after it", async () => {
    const round = heldRound();
    let started = 0;
    const loop = startPeriodic(
      () => {
        started += 1;
        return round.done;
      },
      { intervalMs: 1_000, firstRoundMs: 0, onFailure: () => {} },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    round.finish();
    await stopping;
    loop.kick();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(1);
  });

  it("a failed round is reported and run again soon, sooner than the interval, backing off while it keeps failing", async () => {
    const failures: [string, number][] = [];
    const startedAt: number[] = [];
    let fail = true;
    const loop = startPeriodic(
      async () => {
        startedAt.push(Date.now());
        if (fail) throw new Error("Connection terminated unexpectedly");
      },
      { intervalMs: 60_000, firstRoundMs: 0, retryMs: 500, onFailure: (err, n) => failures.push([(err as Error).message, n]) },
    );
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(500);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(startedAt.map((t) => t - t0)).toEqual([0, 500, 1_500]);
    expect(failures).toEqual([
      ["Connection terminated unexpectedly", 1],
      ["Connection terminated unexpectedly", 2],
      ["Connection terminated unexpectedly", 3],
    ]);
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(startedAt).toHaveLength(4);
    // Back to the interval once a round succeeds.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(startedAt).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(startedAt).toHaveLength(5);
    await loop.stop();
  });

  it("a round that asks for another gets it at once; an interval of 0 never runs", async () => {
    let rounds = 0;
    const loop = startPeriodic(async () => (++rounds < 3 ? "again" : undefined), { intervalMs: 1_000, onFailure: () => {} });
    await vi.advanceTimersByTimeAsync(1_010); // a timer of 0 ms fires after 1 ms here
    expect(rounds).toBe(3);
    await vi.advanceTimersByTimeAsync(900);
    expect(rounds).toBe(3);
    await loop.stop();

    let never = 0;
    const off = startPeriodic(async () => void never++, { intervalMs: 0, onFailure: () => {} });
    off.kick();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(never).toBe(0);
    await off.stop();
  });
});
