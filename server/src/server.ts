import cookie from "@fastify/cookie";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Config } from "./config.ts";
import { registerWholeJsonAnswers } from "./http/whole-json-answers.ts";
import { registerCatalogAnswers } from "./modules/catalog/catalog-answer-cache.ts";
import { registerCompression } from "./http/compression.ts";
import { registerSecurity } from "./http/security.ts";
import { trustProxyHops } from "./http/client-ip.ts";
import { newRequestId, registerRequestId } from "./http/request-id.ts";
import { serveClient } from "./http/static-client.ts";
import { loadRenderer } from "./ssr/renderer.ts";
import { pageResponder } from "./ssr/pages.ts";
import type { ImageStore } from "./modules/uploads/image-store.ts";
import { openImageStore } from "./modules/uploads/stores.ts";
import { registerUploads } from "./modules/uploads/uploads.route.ts";
import { startUploadSweeper } from "./modules/uploads/upload-sweeper.ts";
import { startSweeper } from "./modules/orders/sweeper.ts";
import { startRollupRebuilder } from "./modules/stats/rollup-rebuilder.ts";
import { registerExports } from "./modules/stats/exports.route.ts";
import { registerSitemaps } from "./modules/storefront/sitemap.route.ts";
import { registerStripeWebhook } from "./modules/payments/stripe-webhook.route.ts";
import { openMailTransport } from "./modules/mail/mail-transport.ts";
import { startMailWorker } from "./modules/mail/mail-worker.ts";
import { startPayoutWorker } from "./modules/payouts/payout-worker.ts";
import { loggerOptions, requestLogger } from "./lib/logger.ts";
import { attachRealtime, type Realtime } from "./realtime/io.ts";
import { teeSink } from "./realtime/publish.ts";
import { contextFactory, type AppDeps } from "./trpc/context.ts";
import { appRouter, type AppRouter } from "./trpc/root.ts";
import { withTimeout } from "./lib/timeout.ts";
import { cachedFor } from "./lib/cached.ts";
import { DomainError } from "./lib/errors.ts";
import { registerHttpMetrics } from "./metrics/http-metrics.ts";
import { trackDrain } from "./http/drain.ts";
import { listenMetrics, type MetricsListener } from "./metrics/metrics-listener.ts";

export interface MarketplaceServer {
  app: FastifyInstance;
  realtime: Realtime;
  /** The dependencies requests see: `sink` reaches the sockets (and the caller's own sink). */
  deps: AppDeps;
  /** Where uploaded images are kept (UPLOAD_STORE), as the routes and the upload sweeper use it. */
  images: ImageStore;
  /** Listens on HOST:PORT (PORT 0: any free port), and on METRICS_PORT when set; resolves to the URL. */
  start(): Promise<string>;
  /** Where the metrics are scraped once started (`http://METRICS_HOST:port/metrics`), or null without METRICS_PORT. */
  readonly metricsUrl: string | null;
  /**
   * Drains, in this order: readiness false (DRAIN_DELAY_MS of serving on, for a balancer to stop
   * sending), background loops end their round, the listener closes and the requests under way
   * finish (their events published through the adapter), the stock throttle's last events go out,
   * the sockets are closed so that their clients reconnect elsewhere, then Redis and the database.
   */
  stop(): Promise<void>;
}

/** 1 MiB: SECURITY.md 25; a larger body is 413 before any parsing. */
const BODY_LIMIT = 1024 * 1024;

/** Calls per tRPC batch (SECURITY.md 25); the client's link sends at most as many. */
export const MAX_BATCH_SIZE = 10;

/**
 * The tRPC route's `:path` parameter holds a batch's procedure paths joined by commas, and Fastify
 * answers 414 to a parameter longer than `maxParamLength` (100 by default: 8 short queries). Room
 * for a full batch of the longest path, computed from the router so a new procedure never
 * shrinks what fits.
 */
const MAX_PARAM_LENGTH = (() => {
  const longest = Math.max(...Object.keys(appRouter._def.procedures).map((p) => p.length));
  return MAX_BATCH_SIZE * longest + (MAX_BATCH_SIZE - 1);
})();

/** How long /readyz reuses its last answer: a flood of probes costs one database ping a second. */
const READY_CACHE_MS = 1_000;

/** Every procedure's path: an error's procedure label is one of them or "unknown", never a client's made-up path. */
const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

export interface ServerOptions {
  /** The clock /readyz's cache reads: tests move it instead of waiting for the cache to expire. */
  now?: () => number;
  /** URLs per sitemap page (50,000, the protocol's limit, unless a test makes it smaller). */
  sitemapPageSize?: number;
}

/** Builds the HTTP server around already-opened dependencies; tests own its lifecycle. */
export async function createServer(baseDeps: AppDeps, options: ServerOptions = {}): Promise<MarketplaceServer> {
  const { config } = baseDeps;
  const fastifyOptions: FastifyServerOptions = {
    logger: loggerOptions(config),
    bodyLimit: BODY_LIMIT,
    // The client IP is the socket's unless TRUST_PROXY_HOPS names how many proxies stand in front.
    trustProxy: trustProxyHops(config.TRUST_PROXY_HOPS),
    genReqId: newRequestId,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  };
  const app = Fastify(fastifyOptions);
  app.setChildLoggerFactory(requestLogger);
  // Before any route: it wraps each handler, to know when the requests under way have ended.
  const drain = trackDrain(app);
  const realtime = attachRealtime(app.server, baseDeps, (level, msg) => app.log[level](msg));
  const deps: AppDeps = { ...baseDeps, sink: teeSink(realtime.sink, baseDeps.sink) };
  const { metrics } = deps;
  const unwatchPool = metrics.watchPool(deps.database.poolStats);
  registerHttpMetrics(app, metrics);

  registerRequestId(app);
  await registerSecurity(app, config);
  await registerCompression(app);
  registerWholeJsonAnswers(app);
  registerCatalogAnswers(app, deps.database);
  await app.register(cookie);

  app.get("/healthz", async () => ({ status: "ok" }));
  const databaseAnswers = cachedFor(
    READY_CACHE_MS,
    () =>
      withTimeout(deps.database.ping(), 2_000).then(
        () => true,
        () => false,
      ),
    options.now,
  );
  app.get("/readyz", async (_req, reply) => {
    if (drain.draining) return reply.code(503).send({ status: "draining" });
    if (await databaseAnswers()) return { status: "ready" };
    return reply.code(503).send({ status: "unavailable" });
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: contextFactory(deps),
      maxBatchSize: MAX_BATCH_SIZE,
      // A refused attempt (TOO_MANY_REQUESTS) names the real rest of its window in Retry-After too.
      responseMeta({ errors }) {
        const waits = errors.flatMap((e) => {
          const wait = e.cause instanceof DomainError ? e.cause.details?.retryAfterSeconds : undefined;
          return typeof wait === "number" ? [wait] : [];
        });
        return waits.length ? { headers: { "retry-after": String(Math.max(...waits)) } } : {};
      },
      onError({ error, path }) {
        metrics.procedureErrors.inc({ procedure: path && PROCEDURES.has(path) ? path : "unknown", code: error.code });
        if (error.code === "INTERNAL_SERVER_ERROR") app.log.error({ err: error.cause ?? error, path }, "procedure failed");
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  const images = await openImageStore(config, deps.database);
  await registerUploads(app, deps, images);
  await registerStripeWebhook(app, deps);
  await registerExports(app, deps);
  await registerSitemaps(app, deps, options.sitemapPageSize);
  // Public pages (home, search, product, shop) are rendered here when the client's server build is there.
  const render = await loadRenderer(deps);
  await serveClient(app, config.clientDist, render ? pageResponder(deps, render) : undefined);

  // A failed round is a warning: a lost database connection or a failover, retried in a moment.
  const sweeper = startSweeper({ db: deps.database.prisma, deps }, config.SWEEP_INTERVAL_SECONDS, (err, orderId) =>
    app.log.warn({ err, orderId }, "expired-order sweep failed; retrying shortly"),
  );
  const uploadSweeper = startUploadSweeper(
    deps.database.prisma,
    images,
    { intervalSeconds: config.UPLOAD_SWEEP_INTERVAL_SECONDS, graceMs: config.UPLOAD_GRACE_HOURS * 3_600_000, metrics },
    (err) => app.log.warn({ err }, "unreferenced-upload sweep failed; retrying shortly"),
  );

  const rollups = startRollupRebuilder(deps.database.prisma, { timeZone: config.STATS_TIME_ZONE, intervalSeconds: config.STATS_ROLLUP_INTERVAL_SECONDS }, (err) =>
    app.log.warn({ err }, "sales rollup run failed; retrying shortly"),
  );
  // Every process makes the due payouts; a transfer is planned under its shop's lock and booked by compare-and-set.
  const payouts = startPayoutWorker({ db: deps.database.prisma, deps }, { intervalSeconds: config.PAYOUT_INTERVAL_SECONDS, holdDays: config.PAYOUT_HOLD_DAYS }, (err) =>
    app.log.warn({ err }, "payout round failed; retrying shortly"),
  );
  // Every process sends the outbox's due mail; replicas share it (FOR UPDATE SKIP LOCKED).
  const mailTransport = openMailTransport(config.mail);
  const mailWorker = mailTransport
    ? startMailWorker(
        deps.database.prisma,
        mailTransport,
        {
          publicUrl: config.publicUrl,
          maxAttempts: config.MAIL_MAX_ATTEMPTS,
          intervalSeconds: config.MAIL_POLL_SECONDS,
          onRound: (round) => {
            if (round.sent) metrics.mailDelivered.inc({ outcome: "sent" }, round.sent);
            if (round.retried) metrics.mailDelivered.inc({ outcome: "retried" }, round.retried);
            if (round.dead) metrics.mailDelivered.inc({ outcome: "dead" }, round.dead);
          },
        },
        (err) => app.log.warn({ err }, "mail delivery round failed; retrying shortly"),
      )
    : null;

  // As the listener closes (app.close(), from stop() or a test): once the requests under way have
  // ended, the sockets are closed, which lets the listener's close complete.
  app.addHook("preClose", (done) => {
    void drain.idle().then(() => realtime.closeSockets());
    done();
  });

  let metricsListener: MetricsListener | undefined;
  let stopped: Promise<void> | undefined;
  return {
    app,
    realtime,
    deps,
    get metricsUrl() {
      return metricsListener?.url ?? null;
    },
    images,
    /** Listens, then waits (at most 3 s) until events of the other replicas reach this one. */
    async start() {
      await app.listen({ host: config.HOST, port: config.PORT });
      if (config.metrics) {
        metrics.collectProcessMetrics();
        metricsListener = await listenMetrics(metrics, config.metrics);
      }
      await realtime.ready(3_000);
      const address = app.server.address();
      const port = typeof address === "object" && address ? address.port : config.PORT;
      return `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
    },
    stop() {
      stopped ??= (async () => {
        // 1. Readiness false, still serving: a balancer polling /readyz stops sending meanwhile.
        drain.start();
        if (config.DRAIN_DELAY_MS > 0 && app.server.listening) await new Promise((r) => setTimeout(r, config.DRAIN_DELAY_MS));
        // 2. The loops end the round under way (a sweep publishes events too).
        await Promise.all([sweeper.stop(), uploadSweeper.stop(), rollups.stop(), payouts.stop(), mailWorker?.stop()]);
        mailTransport?.close();
        // 3. No new connection; the requests under way finish, and their committed events go out
        //    through the adapter while it is still open. Only then are the sockets closed (an
        //    open WebSocket would otherwise keep the listener from closing).
        //    (preClose below, run as the listener closes.)
        await app.close();
        // 4. Redis (after the last events and the closed sockets' sessions are in), then the rest.
        await realtime.close();
        await metricsListener?.close();
        unwatchPool();
        images.close?.();
        await deps.database.close();
      })();
      return stopped;
    },
  };
}

export type { Config };
