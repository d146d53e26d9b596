import { dropDatabase } from "./databases.ts";
import { killAllServers } from "./processes.ts";
import { fmt } from "./stats.ts";

/**
 * One benchmark run from start to exit: a log with the elapsed time, a hard deadline, and a
 * cleanup that runs exactly once whatever happens (success, failure, SIGINT/SIGTERM, deadline):
 * every server process is killed and every database the run made is dropped.
 */
export class BenchRun {
  private readonly started = performance.now();
  private readonly databases = new Set<string>();
  private readonly cleanups: (() => Promise<unknown> | void)[] = [];
  private cleaning: Promise<void> | undefined;
  /** Databases are kept (not dropped) at the end: for looking at them after the run. */
  keepDatabases = false;

  constructor(
    readonly name: string,
    private readonly adminUrl: string,
    private readonly deadlineS: number,
  ) {}

  elapsedS(): number {
    return (performance.now() - this.started) / 1000;
  }

  log = (msg: string): void => console.log(`[${this.name} ${fmt(this.elapsedS(), 0).padStart(3)}s] ${msg}`);

  /** A database this run creates: dropped at cleanup (unless kept) if it still exists. */
  ownDatabase(name: string): void {
    this.databases.add(name);
  }

  /** The database was dropped already by the run itself. */
  droppedDatabase(name: string): void {
    this.databases.delete(name);
  }

  /** Something else to undo at the end (run before servers are killed and databases dropped, newest first). */
  onCleanup(fn: () => Promise<unknown> | void): void {
    this.cleanups.push(fn);
  }

  cleanup(): Promise<void> {
    this.cleaning ??= (async () => {
      for (const fn of [...this.cleanups].reverse()) await Promise.resolve(fn()).catch((err: unknown) => console.error(`[${this.name}] cleanup:`, err));
      killAllServers();
      if (this.keepDatabases) return;
      for (const name of this.databases) {
        await dropDatabase(this.adminUrl, name).catch((err: unknown) => console.error(`[${this.name}] could not drop ${name}:`, err));
      }
      this.databases.clear();
    })();
    return this.cleaning;
  }

  /**
   * Runs `main` and exits: 0 when it resolves to anything but `false`, 1 on failure or `false`,
   * 130 on a signal, 1 at the deadline (after `onDeadline`, e.g. reporting the runs done).
   */
  run(main: () => Promise<boolean | void>, onDeadline?: () => void): void {
    const deadline = setTimeout(() => {
      console.error(`[${this.name}] deadline of ${this.deadlineS} s reached: stopping`);
      void this.cleanup().finally(() => {
        onDeadline?.();
        process.exit(1);
      });
    }, this.deadlineS * 1000);
    deadline.unref();
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void this.cleanup().finally(() => process.exit(130)));
    main().then(
      async (ok) => {
        clearTimeout(deadline);
        await this.cleanup();
        process.exit(ok === false ? 1 : 0);
      },
      async (err: unknown) => {
        clearTimeout(deadline);
        if (this.cleaning) return; // a signal or the deadline is already ending the run
        console.error(`[${this.name}] failed:`, err);
        await this.cleanup();
        process.exit(1);
      },
    );
  }
}
