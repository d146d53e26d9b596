import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Metrics } from "./metrics.ts";

export interface MetricsListenerOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MetricsListener {
  /** Where Prometheus scrapes: http://host:port/metrics. */
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a port of its own, never the public one: the public port sits behind the
 * ingress, while this one is reached by Prometheus only (the NetworkPolicy, compose's private
 * network, or METRICS_HOST=127.0.0.1), and optionally needs a bearer token. A plain node:http
 * server: it serves one read-only path, so none of the public app's hooks (cookies, CORS, rate
 * limits) apply or are needed.
 */
export async function listenMetrics(metrics: Metrics, options: MetricsListenerOptions): Promise<MetricsListener> {
  const expected = options.token ? digest(`Bearer ${options.token}`) : null;
  const server = createServer((req, res) => {
    void answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("metrics unavailable\n");
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") return send(res, 404, "text/plain", "Not Found\n");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "Method Not Allowed\n", { allow: "GET, HEAD" });
    // Compared as digests of equal length in constant time: the answer's timing says nothing of the token.
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      return send(res, 401, "text/plain", "Unauthorized\n", { "www-authenticate": 'Bearer realm="metrics"' });
    }
    const body = await metrics.registry.metrics();
    send(res, 200, metrics.registry.contentType, req.method === "HEAD" ? "" : body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper keeps its connection alive between scrapes: cut it, or close() would wait for it.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", ...headers });
  res.end(body);
}
