/**
 * One background loop of a server process (the expired-order sweeper, the upload sweeper, the mail
 * worker, the sales rollup rebuilder): a round every `intervalMs`, never two rounds at once, and a
 * stop that waits for the round under way, so a closing server never closes the database in the
 * middle of one (a cut transaction, "Transaction not found" in the log).
 *
 * A failed round is expected to happen (a database failover, a lost connection): it is reported as
 * a warning through `onFailure`, not an error, and run again soon (after `retryMs`, doubled at each
 * further failure up to the interval), not a whole interval later.
 */

/** A round may ask for the next one at once (e.g. its batch came back full). */
export type RoundOutcome = "again" | void;

export interface PeriodicOptions {
  /** Between rounds; 0 or less: the loop never runs (tests run the rounds by hand). */
  intervalMs: number;
  /** Before the first round (default: one interval). */
  firstRoundMs?: number;
  /** Before the round that follows a failed one (default: 1 s, at most the interval). */
  retryMs?: number;
  /** Told of a failed round, and of how many failed in a row. */
  onFailure: (err: unknown, failuresInARow: number) => void;
}

export interface Periodic {
  /** Runs a round now (or right after the one under way). */
  kick(): void;
  /** No further round starts; resolves once the round under way (if any) has ended. */
  stop(): Promise<void>;
}

const DEFAULT_RETRY_MS = 1_000;

export function startPeriodic(round: () => Promise<RoundOutcome>, opts: PeriodicOptions): Periodic {
  if (opts.intervalMs <= 0) return { kick() {}, stop: () => Promise.resolve() };
  const retryMs = Math.min(opts.retryMs ?? DEFAULT_RETRY_MS, opts.intervalMs);
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  };

  /** The wait before the next round: at once, an interval, or the retry delay after a failure. */
  const runRound = async (): Promise<number> => {
    try {
      const outcome = await round();
      failures = 0;
      return outcome === "again" ? 0 : opts.intervalMs;
    } catch (err) {
      failures += 1;
      opts.onFailure(err, failures);
      return Math.min(retryMs * 2 ** (failures - 1), opts.intervalMs);
    }
  };

  function run(): void {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    clearTimeout(timer);
    current = runRound().then((wait) => {
      current = null;
      if (stopped) return;
      schedule(again ? 0 : wait);
      again = false;
    });
  }

  schedule(opts.firstRoundMs ?? opts.intervalMs);
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
