import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A small TCP load balancer for tests, as a cloud balancer or Kubernetes' service proxy works:
 * each new connection goes to a backend whose readiness probe (`GET /readyz`) last answered 200,
 * in turn; a connection stays with its backend until either side closes it (HTTP keep-alive and
 * WebSockets included). Probed every `probeMs`.
 */
export class TestBalancer {
  private server: Server | undefined;
  private readonly backends: { url: URL; ready: boolean }[] = [];
  private readonly open = new Set<Socket>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Connections that found no ready backend. */
  refused = 0;
  url = "";

  constructor(private readonly probeMs = 50) {}

  /** Adds a backend (`http://host:port`), ready once its first probe answers 200. */
  async add(url: string): Promise<void> {
    const backend = { url: new URL(url), ready: false };
    this.backends.push(backend);
    await this.probe(backend);
  }

  /** The backends now taking new connections. */
  get ready(): string[] {
    return this.backends.filter((b) => b.ready).map((b) => b.url.origin);
  }

  async listen(): Promise<string> {
    this.server = createServer((client) => {
      const ready = this.backends.filter((b) => b.ready);
      if (!ready.length) {
        this.refused += 1;
        return client.destroy();
      }
      const backend = ready[this.next++ % ready.length]!;
      const upstream = connect(Number(backend.url.port), backend.url.hostname);
      this.open.add(client).add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = () => {
        this.open.delete(client);
        this.open.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on("close", drop).on("error", drop);
      upstream.on("close", drop).on("error", drop);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const loop = async () => {
      await Promise.all(this.backends.map((b) => this.probe(b)));
      if (this.closed) return;
      this.timer = setTimeout(() => void loop(), this.probeMs);
    };
    void loop();
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  private async probe(backend: { url: URL; ready: boolean }) {
    // A probe that times out (a loaded machine) changes nothing; an answer or a refusal does.
    const ready = await fetch(new URL("/readyz", backend.url), { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.status === 200,
      (err: Error) => (err.name === "TimeoutError" ? backend.ready : false),
    );
    backend.ready = ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.open.forEach((s) => s.destroy());
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
