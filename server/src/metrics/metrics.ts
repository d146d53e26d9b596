import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { RouteHistogram } from "./route-histogram.ts";

/**
 * The server's Prometheus metrics: one registry per Metrics (never prom-client's global one, since
 * tests run many servers in one process), made at start and handed to everything through AppDeps.
 * Services count with the instruments below; what is only known at scrape time (pool, sockets,
 * Redis) is read from the sources servers register with the `watch…` methods.
 *
 * Label values are always from a fixed set (route patterns, procedure paths, error codes, event
 * names), never from a raw URL or a user's input: a scan of random URLs must not create series.
 *
 * This file imports nothing of the server's own but its folder, so the deployment's checks (docker/) can list
 * the metric names the Grafana dashboard may use.
 */

/** What node-postgres' Pool says of itself. */
export interface PoolStats {
  /** Connections open (in use + idle). */
  total: number;
  idle: number;
  /** Requests queued for a connection. */
  waiting: number;
  /** The most connections the pool opens (DATABASE_POOL_SIZE). */
  max: number;
}

/** Request and procedure latencies: 5 ms to 10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** An event's wait from the commit to its Socket.IO emit: usually well under a millisecond, up to the stock throttle's window (100 ms). */
const EVENT_DELAY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export type SweeperName = "expired_orders" | "unused_uploads";

export class Metrics {
  readonly registry = new Registry();

  /** Observed on every request: prom-client's exposition, a cheaper observe (route-histogram.ts). */
  readonly httpRequestDuration = new RouteHistogram(
    "marketplace_http_request_duration_seconds",
    "HTTP requests on the public port (Socket.IO's own requests aside), by method, route pattern and status code",
    LATENCY_BUCKETS,
    this.registry,
  );

  readonly procedureDuration = new Histogram({
    name: "marketplace_trpc_procedure_duration_seconds",
    help: "tRPC procedure calls, from input validation to the result, by procedure and type",
    labelNames: ["procedure", "type"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly procedureErrors = new Counter({
    name: "marketplace_trpc_errors_total",
    help: "tRPC calls answered with an error, by procedure (unknown: no such procedure) and tRPC error code",
    labelNames: ["procedure", "code"] as const,
    registers: [this.registry],
  });

  readonly eventDelay = new Histogram({
    name: "marketplace_realtime_event_delay_seconds",
    help: "Time from a transaction's commit to the Socket.IO emit of its event on this process, by event",
    labelNames: ["event"] as const,
    buckets: EVENT_DELAY_BUCKETS,
    registers: [this.registry],
  });

  readonly sweeperRuns = new Counter({
    name: "marketplace_sweeper_runs_total",
    help: "Scheduled sweeper runs, by sweeper and outcome (error: the run failed or an item in it could not be handled)",
    labelNames: ["sweeper", "outcome"] as const,
    registers: [this.registry],
  });

  readonly ordersSwept = new Counter({
    name: "marketplace_orders_swept_total",
    help: "Unpaid orders cancelled by the sweeper after their hold expired",
    registers: [this.registry],
  });

  readonly uploadsSwept = new Counter({
    name: "marketplace_uploads_swept_total",
    help: "Unused uploads removed by the sweeper after the grace period",
    registers: [this.registry],
  });

  readonly mailDelivered = new Counter({
    name: "marketplace_mail_deliveries_total",
    help: "Outbox messages handled by this process's mail worker, by outcome (sent, retried after a failure, dead after the last try)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  readonly conflictRetries = new Counter({
    name: "marketplace_transaction_conflict_retries_total",
    help: "Transactions run again because PostgreSQL aborted them to break a deadlock or a serialization conflict",
    registers: [this.registry],
  });

  readonly transactionStartTimeouts = new Counter({
    name: "marketplace_transaction_start_timeouts_total",
    help: "Transactions that found no free database connection in time (answered SERVICE_UNAVAILABLE)",
    registers: [this.registry],
  });

  readonly transactionTimeouts = new Counter({
    name: "marketplace_transaction_timeouts_total",
    help: "Transactions rolled back for running past their time limit (answered SERVICE_UNAVAILABLE)",
    registers: [this.registry],
  });

  readonly lostConnectionRetries = new Counter({
    name: "marketplace_transaction_lost_connection_retries_total",
    help: "Transactions run again because their connection was lost before their commit (a failover, a pooler restart)",
    registers: [this.registry],
  });

  readonly readRetries = new Counter({
    name: "marketplace_db_read_retries_total",
    help: "Reads run again on another connection because theirs was dead (after a database restart or failover)",
    registers: [this.registry],
  });

  private readonly poolSources = new Set<() => PoolStats | null>();
  private readonly socketSources = new Set<() => number>();
  private readonly redisSources = new Map<string, Set<() => boolean>>();
  private processMetrics = false;

  constructor() {
    const pools = () => [...this.poolSources].map((read) => read()).filter((s): s is PoolStats => s !== null);
    // Gauges read on scrape. Servers sharing one Metrics (tests) add up; one database watched
    // twice is one source (the same function), so its pool is counted once.
    new Gauge({
      name: "marketplace_db_pool_connections",
      help: "PostgreSQL pool connections by state (absent on the embedded database)",
      labelNames: ["state"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const stats = pools();
        if (!stats.length) return;
        this.set({ state: "in_use" }, sum(stats.map((s) => s.total - s.idle)));
        this.set({ state: "idle" }, sum(stats.map((s) => s.idle)));
      },
    });
    new Gauge({
      name: "marketplace_db_pool_waiting_requests",
      help: "Requests waiting for a free PostgreSQL pool connection (0 on the embedded database)",
      registers: [this.registry],
      collect() {
        this.set(sum(pools().map((s) => s.waiting)));
      },
    });
    new Gauge({
      name: "marketplace_db_pool_max_connections",
      help: "The most connections the PostgreSQL pool opens, DATABASE_POOL_SIZE (0 on the embedded database)",
      registers: [this.registry],
      collect() {
        this.set(sum(pools().map((s) => s.max)));
      },
    });
    const socketSources = this.socketSources;
    new Gauge({
      name: "marketplace_realtime_connected_sockets",
      help: "Socket.IO connections open on this process",
      registers: [this.registry],
      collect() {
        this.set(sum([...socketSources].map((count) => count())));
      },
    });
    const redisSources = this.redisSources;
    new Gauge({
      name: "marketplace_redis_up",
      help: "1 while this process's Redis connection is ready, 0 while it is not, by connection (absent without REDIS_URL)",
      labelNames: ["connection"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [connection, sources] of redisSources) {
          if (sources.size) this.set({ connection }, [...sources].every((up) => up()) ? 1 : 0);
        }
      },
    });
  }

  /** Reports a database pool on scrape (a function returning null: no pool, e.g. PGlite). */
  watchPool(stats: () => PoolStats | null): () => void {
    return watch(this.poolSources, stats);
  }

  /** Reports a Socket.IO server's open connections on scrape. */
  watchSockets(count: () => number): () => void {
    return watch(this.socketSources, count);
  }

  /** Reports a Redis connection's state on scrape, as `marketplace_redis_up{connection}`. */
  watchRedis(connection: string, isUp: () => boolean): () => void {
    let sources = this.redisSources.get(connection);
    if (!sources) this.redisSources.set(connection, (sources = new Set()));
    return watch(sources, isUp);
  }

  /**
   * prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC, handles), unprefixed
   * so the usual dashboards read them. Only once something can scrape them: they start an event
   * loop monitor and a GC observer that live as long as the process.
   */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The current value of a label-less counter, or of one label set (0 when never counted). */
  async valueOf(metric: Counter, labels: Record<string, string> = {}): Promise<number> {
    const { values } = await metric.get();
    const wanted = Object.entries(labels);
    return values.find((v) => wanted.every(([k, value]) => v.labels[k] === value))?.value ?? 0;
  }
}

export function createMetrics(): Metrics {
  return new Metrics();
}

function watch<T>(set: Set<T>, source: T): () => void {
  set.add(source);
  return () => set.delete(source);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
