import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of PostgreSQL that can turn every connection through it into a dead one
 * the client has not noticed: after `killConnections()`, each open connection stays quiet until
 * the client next writes to it, and is then reset. That is what a pool holds after a failover or
 * a restart it has not heard of (the old server's connections are gone, the client learns it on
 * use), made certain instead of racing the server's goodbye messages.
 */
export class DeadConnectionProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      const pair = { client, upstream, dead: false };
      this.pairs.add(pair);
      client.on("data", (chunk) => {
        if (pair.dead) {
          upstream.destroy();
          client.resetAndDestroy();
        } else upstream.write(chunk);
      });
      upstream.on("data", (chunk) => {
        if (!pair.dead) client.write(chunk);
      });
      const drop = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on("close", drop).on("error", drop);
      upstream.on("close", () => !pair.dead && drop()).on("error", () => !pair.dead && drop());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** How many connections are open through the proxy now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Every connection open now becomes dead; new ones work. Returns how many were killed. */
  killConnections(): number {
    for (const pair of this.pairs) {
      pair.dead = true;
      // The server side goes at once (its backend ends); the client side hears nothing yet.
      pair.upstream.destroy();
    }
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
