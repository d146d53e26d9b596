/**
 * Process control for the benchmarks, server side: what every server process (ours or raw) does
 * to be driven by a runner (processes.ts). It refuses to run without the IPC channel, exits when
 * the runner goes away, answers `cpu`, stops cleanly on SIGTERM (so that `--cpu-prof` can write
 * its profile) and announces itself with `ready`.
 */

export interface ServerSide {
  send(msg: { type: string; [key: string]: unknown }): void;
  /** Announces the server: the runner's `ServerProcess.start` resolves with this message. */
  ready(url: string, extra?: Record<string, unknown>): void;
}

/**
 * @param script  for the message when started by hand
 * @param stop    closes the server; the process exits after it
 * @param handlers  the benchmark's own messages, by type
 */
export function serveRunner<ToServer extends { type: string } = { type: "cpu" }>(
  script: string,
  stop: () => Promise<unknown>,
  handlers: { [K in ToServer["type"]]?: (msg: Extract<ToServer, { type: K }>) => void } = {},
): ServerSide {
  if (!process.send) {
    console.error(`${script} is started by a benchmark runner (it needs an IPC channel)`);
    process.exit(2);
  }
  const send = (msg: { type: string; [key: string]: unknown }) => process.send?.(msg);
  process.on("disconnect", () => process.exit(1));
  process.on("message", (msg: ToServer) => {
    if (msg.type === "cpu") {
      const u = process.cpuUsage();
      send({ type: "cpu", userMs: u.user / 1000, systemMs: u.system / 1000 });
      return;
    }
    (handlers as Record<string, ((m: ToServer) => void) | undefined>)[msg.type]?.(msg);
  });
  process.on("SIGTERM", () =>
    void stop().then(
      () => process.exit(0),
      () => process.exit(1),
    ),
  );
  return { send, ready: (url, extra = {}) => send({ type: "ready", url, ...extra }) };
}
