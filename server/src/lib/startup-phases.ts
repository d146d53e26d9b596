/**
 * How long each phase of a start took, for the "listening" line: where a slow first start
 * spends its time (server/scripts/first-start.mjs reads it). `modules` is the time from the
 * process's start to the first phase: Node's own start and loading the server's modules.
 */
export class StartupPhases {
  private readonly phases: { name: string; ms: number }[] = [];
  private last = performance.now();

  constructor() {
    this.phases.push({ name: "modules", ms: this.last });
  }

  /** Runs one phase and records its time (also when it fails, for the error's message). */
  async time<T>(name: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.phases.push({ name, ms: performance.now() - started });
      this.last = performance.now();
    }
  }

  /** "modules 812 ms, database 1530 ms, …": each phase in the order it ran, rounded. */
  summary(): string {
    return this.phases.map((p) => `${p.name} ${Math.round(p.ms)} ms`).join(", ");
  }
}
