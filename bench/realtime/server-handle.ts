import { ServerProcess } from "../lib/processes.ts";
import { clock, type FromServer, type PublishRequest, type ServerStats, type ToServer } from "./protocol.ts";

type Published = Extract<FromServer, { type: "published" }>;

/**
 * The runner's side of one real-time server process (ours: server-process.ts; the raw floor:
 * server-raw.ts; both speak protocol.ts): its clock offset, its statistics, and publications.
 */
export class RealtimeServer {
  /** server clock − our clock, ms (estimated from the fastest of several IPC round trips). */
  offset = 0;
  clockRtt = 0;
  private readonly published = new Map<number, (msg: Published) => void>();

  private constructor(
    readonly name: string,
    readonly process: ServerProcess<FromServer, ToServer>,
  ) {
    process.on("published", (msg) => {
      this.published.get(msg.seq)?.(msg);
      this.published.delete(msg.seq);
    });
    process.on("error", (msg) => console.error(`[realtime] ${name}: ${msg.message}`));
  }

  static async start(name: string, script: URL, env: NodeJS.ProcessEnv): Promise<RealtimeServer> {
    const p = await ServerProcess.start<FromServer, ToServer>({ name, script, env, replaceEnv: true, execArgv: ["--expose-gc"] });
    return new RealtimeServer(name, p);
  }

  get url(): string {
    return this.process.url;
  }

  /** The session cookie's name (ours), for the buyers' handshakes. */
  get cookieName(): string {
    return (this.process.ready as Extract<FromServer, { type: "ready" }>).cookieName;
  }

  async calibrateClock(samples = 40): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < samples; i++) {
      const sentAt = clock();
      const msg = await this.process.ask({ type: "clock", sentAt }, "clock");
      const receivedAt = clock();
      const rtt = receivedAt - sentAt;
      if (rtt < best) {
        best = rtt;
        this.offset = msg.serverNow - (sentAt + receivedAt) / 2;
      }
    }
    this.clockRtt = best;
  }

  async stats(gc: boolean): Promise<ServerStats> {
    return (await this.process.ask({ type: "stats", gc }, "stats")).stats;
  }

  publish(req: Omit<PublishRequest, "type">): Promise<Published> {
    return new Promise((resolve) => {
      this.published.set(req.seq, resolve);
      this.process.send({ type: "publish", ...req });
    });
  }

  /** Server time → our time. */
  local(serverTime: number): number {
    return serverTime - this.offset;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
