import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Process control for the benchmarks, runner side. Every server (the marketplace server, the raw
 * baselines) runs in a child process of its own, so that its CPU and memory are measured alone;
 * it talks to the runner over IPC (see server-side.ts): first a `ready` message with its URL, then
 * answers to the runner's questions. Every child started here is tracked, so that a failure, a
 * signal or a deadline can stop all of them (`killAllServers`).
 */

/** What every server process sends and answers (the benchmark may add its own messages). */
export type BaseFromServer =
  | { type: "ready"; url: string; [extra: string]: unknown }
  /** Process CPU time so far, ms (process.cpuUsage). */
  | { type: "cpu"; userMs: number; systemMs: number };

export type Message = { type: string };

const children = new Set<ChildProcess>();
const benchDir = fileURLToPath(new URL("..", import.meta.url));

/** Extra node flags for the server processes, e.g. `--cpu-prof --cpu-prof-dir=results/prof`. */
export const serverNodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);

export interface StartOptions {
  /** For messages: "ours", "raw", "A"… */
  name: string;
  /** The server's script (a .ts file, run through tsx; a bundle with `plain`). */
  script: string | URL;
  /** Run the script with plain node, without tsx (a bundle from lib/bundle.ts). */
  plain?: boolean;
  /** Added to the runner's environment (NODE_ENV is production unless given). */
  env?: NodeJS.ProcessEnv;
  /** Replace the environment instead of adding to it. */
  replaceEnv?: boolean;
  /** Node flags besides `--import tsx` and BENCH_SERVER_NODE_ARGS. */
  execArgv?: string[];
  readyTimeoutMs?: number;
}

export class ServerProcess<FromServer extends Message = BaseFromServer, ToServer extends Message = { type: "cpu" }> {
  /** The server's `ready` message (its URL and whatever else it announced). */
  ready!: Extract<FromServer | BaseFromServer, { type: "ready" }>;
  private readonly replies = new Map<string, ((msg: FromServer) => void)[]>();
  private readonly listeners = new Map<string, (msg: FromServer) => void>();
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (msg: FromServer) => {
      const listener = this.listeners.get(msg.type);
      if (listener) return listener(msg);
      this.replies.get(msg.type)?.shift()?.(msg);
    });
  }

  /** Forks the server and waits for its `ready` message. */
  static async start<F extends Message = BaseFromServer, T extends Message = { type: "cpu" }>(o: StartOptions): Promise<ServerProcess<F, T>> {
    const script = o.script instanceof URL ? fileURLToPath(o.script) : o.script;
    const child = fork(script, [], {
      cwd: benchDir,
      execArgv: [...(o.plain ? [] : ["--import", "tsx"]), ...(o.execArgv ?? []), ...serverNodeArgs()],
      env: o.replaceEnv ? o.env : { ...process.env, NODE_ENV: "production", ...o.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    const server = new ServerProcess<F, T>(o.name, child);
    const timeoutMs = o.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = await Promise.race([
        server.next("ready"),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${o.name}: not ready within ${timeoutMs / 1000} s`)), timeoutMs))),
        server.exited.then(() => Promise.reject(new Error(`${o.name}: exited with ${child.exitCode ?? child.signalCode} before it was ready`))),
      ]);
      server.ready = ready as unknown as ServerProcess<F, T>["ready"];
    } catch (err) {
      child.kill("SIGKILL");
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return server;
  }

  get url(): string {
    return (this.ready as { url: string }).url;
  }

  /** The next message of this type that no listener takes. */
  next<K extends FromServer["type"] | BaseFromServer["type"]>(type: K): Promise<Extract<FromServer | BaseFromServer, { type: K }>> {
    return new Promise((resolve) => {
      const queue = this.replies.get(type) ?? [];
      queue.push(resolve as (msg: FromServer) => void);
      this.replies.set(type, queue);
    });
  }

  /** Every message of this type goes to `handler` (messages that are not answers to a question). */
  on<K extends FromServer["type"]>(type: K, handler: (msg: Extract<FromServer, { type: K }>) => void): void {
    this.listeners.set(type, handler as (msg: FromServer) => void);
  }

  send(msg: ToServer | { type: "cpu" }): void {
    this.child.send(msg);
  }

  /** Sends `msg` and waits for the reply of type `replyType` (replies of a type come in order). */
  async ask<K extends FromServer["type"] | BaseFromServer["type"]>(msg: ToServer | { type: "cpu" }, replyType: K) {
    const reply = this.next(replyType);
    this.send(msg);
    return reply;
  }

  /** The server process's CPU time so far (user + system), ms. */
  async cpuMs(): Promise<number> {
    const msg = (await this.ask({ type: "cpu" }, "cpu")) as Extract<BaseFromServer, { type: "cpu" }>;
    return msg.userMs + msg.systemMs;
  }

  /** SIGTERM (the server closes and exits, writing a CPU profile if asked), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Stops every server process still running (after a failure, a signal or the deadline). */
export function killAllServers(): void {
  for (const child of children) child.kill("SIGKILL");
}
