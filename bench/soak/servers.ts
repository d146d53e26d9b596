import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";

const serverDir = fileURLToPath(new URL("../../server/", import.meta.url));

/** A free TCP port on the loopback address (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One marketplace server as an operator runs it: `server/src/main.ts` in a process of its own,
 * configured by environment only, stopped with SIGTERM. Its output goes to the runner's, prefixed.
 */
export class MarketplaceProcess {
  child: ChildProcess | null = null;
  exits: { code: number | null; signal: string | null; afterMs: number }[] = [];
  private stoppedAt = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    /** Its metrics listener (METRICS_PORT), read for the JavaScript heap. */
    readonly metricsPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get up(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until /readyz answers 200. */
  async start(timeoutMs = 240_000): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: serverDir,
      env: { ...process.env, ...this.env, PORT: String(this.port), METRICS_PORT: String(this.metricsPort), METRICS_HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const prefix = (chunk: Buffer) => chunk.toString().split("\n").filter(Boolean).map((l) => `  [${this.name}] ${l}`).join("\n");
    child.stdout!.on("data", (c: Buffer) => console.log(prefix(c)));
    child.stderr!.on("data", (c: Buffer) => console.error(prefix(c)));
    child.once("exit", (code, signal) => this.exits.push({ code, signal, afterMs: this.stoppedAt ? Math.round(performance.now() - this.stoppedAt) : -1 }));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.up) throw new Error(`${this.name} exited before it was ready`);
      const ok = await fetch(`${this.url}/readyz`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs / 1000} s`);
  }

  /** SIGTERM, and waits for the exit (SIGKILL after `graceMs`). Resolves with the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.up) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    this.stoppedAt = performance.now();
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  kill(): void {
    if (this.up) this.child!.kill("SIGKILL");
  }

  /**
   * The JavaScript heap in use now, MiB (prom-client's nodejs_heap_size_used_bytes), or null:
   * with the resident size it tells a heap that keeps growing (a leak) from one V8 lets grow
   * before collecting (a plateau) or memory outside the heap.
   */
  async heapUsedMiB(): Promise<number | null> {
    if (!this.up) return null;
    const text = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`).then((r) => (r.ok ? r.text() : ""), () => "");
    const bytes = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]);
    return Number.isFinite(bytes) ? Math.round(bytes / 2 ** 20) : null;
  }

  /** Resident memory of the process now, MiB (Linux /proc), or null. */
  rssMiB(): number | null {
    if (!this.up) return null;
    try {
      const status = readFileSync(`/proc/${this.child!.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
    } catch {
      return null;
    }
  }
}
