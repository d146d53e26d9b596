import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * Results files: every benchmark run writes one JSON file under bench/results/ with the machine
 * (cores, load average at the start and the end), the date, the commit, the parameters, the
 * summary (medians and ratios, what bench/README.md's tables are generated from) and the
 * per-run details. They are committed with the figures they back.
 */

export const BENCHMARKS = ["search", "search1m", "overhead", "checkout", "reviews", "realtime", "soak", "stats", "ssr", "realtimeRedis"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const repoDir = fileURLToPath(new URL("../..", import.meta.url));

export interface Machine {
  cores: number;
  cpuModel: string;
  memGiB: number;
  platform: string;
  node: string;
  postgres: string | null;
  /** 1-, 5- and 15-minute load averages. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

export interface ResultsFile<Summary = unknown> {
  benchmark: BenchmarkName;
  /** When the run started, ISO 8601 UTC. */
  date: string;
  durationS: number;
  /** The commit the run measured; `dirty` when bench/, server/ or shared/ had uncommitted changes (besides the run's own outputs). */
  commit: string;
  dirty: boolean;
  machine: Machine;
  parameters: Record<string, unknown>;
  summary: Summary;
  details: unknown;
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Taken when a run starts; `finish` completes it when the run ends. */
export class ResultsRecorder {
  private readonly startedAt = new Date();
  private readonly started = performance.now();
  readonly loadAverageStart = loadAverage();
  postgres: string | null = null;

  constructor(readonly benchmark: BenchmarkName) {}

  /** The server version of the PostgreSQL the run uses. */
  async readPostgresVersion(url: string): Promise<string> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      this.postgres = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
      return this.postgres;
    } finally {
      await client.end();
    }
  }

  describeMachine(): string {
    const cpus = os.cpus();
    return `${cpus.length} cores (${cpus[0]?.model ?? "?"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}` +
      `${this.postgres ? `, PostgreSQL ${this.postgres}` : ""}, load average ${this.loadAverageStart.join(" ")}`;
  }

  /** Writes bench/results/<benchmark>-<start time>.json and returns its path. */
  write<S>(parameters: Record<string, unknown>, summary: S, details: unknown): string {
    const cpus = os.cpus();
    const { commit, dirty } = gitState();
    const file: ResultsFile<S> = {
      benchmark: this.benchmark,
      date: this.startedAt.toISOString(),
      durationS: Math.round((performance.now() - this.started) / 100) / 10,
      commit,
      dirty,
      machine: {
        cores: cpus.length,
        cpuModel: cpus[0]?.model ?? "?",
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        postgres: this.postgres,
        loadAverageStart: this.loadAverageStart,
        loadAverageEnd: loadAverage(),
      },
      parameters,
      summary,
      details,
    };
    mkdirSync(resultsDir, { recursive: true });
    const name = path.join(resultsDir, `${this.benchmark}-${file.date.replace(/[:.]/g, "-")}.json`);
    writeFileSync(name, `${JSON.stringify(file, null, 2)}\n`);
    return name;
  }
}

/**
 * A line of `git status --porcelain` that is a run's own output, not a change to what it measures:
 * a results file, or an EXPLAIN file it rewrites (search/explain.txt, search/explain-1m.txt).
 */
export function isRunOutput(statusLine: string): boolean {
  return statusLine.includes("bench/results/") || /\/explain(-[\w]+)?\.txt$/.test(statusLine);
}

function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoDir, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--", "bench", "server", "shared"], { cwd: repoDir, encoding: "utf8" });
    return { commit, dirty: status.split("\n").some((line) => line.trim() && !isRunOutput(line)) };
  } catch {
    return { commit: "unknown", dirty: true };
  }
}

/** Every results file of a benchmark, oldest first (file names sort by their start time). */
export function resultsFiles(benchmark: BenchmarkName, dir = resultsDir): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(`${benchmark}-`) && n.endsWith(".json"))
    .sort()
    .map((n) => path.join(dir, n));
}

export function readResults<S>(file: string): ResultsFile<S> {
  return JSON.parse(readFileSync(file, "utf8")) as ResultsFile<S>;
}

/** The newest results file of a benchmark, or null. */
export function latestResults<S>(benchmark: BenchmarkName, dir = resultsDir): { file: string; results: ResultsFile<S> } | null {
  const files = resultsFiles(benchmark, dir);
  const file = files[files.length - 1];
  return file ? { file, results: readResults<S>(file) } : null;
}
