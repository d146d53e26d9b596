import path from "node:path";
import { z } from "zod";

/**
 * The one reader of process.env. Every variable of the contract is parsed here at start;
 * a bad value stops the start with a message naming the variable.
 */
const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** Whether the runtime knows this IANA time zone (PostgreSQL's list is the same tz database). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Relative paths are taken from where the command was started (pnpm's INIT_CWD), else the repo root. */
  DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** How long a start waits for PostgreSQL to accept connections (one started beside the app). */
  DATABASE_WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  /** Starts every key and channel this app uses in Redis, so several deployments can share one. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _ . : - only (at most 64)")
    .default("marketplace:"),
  /** Defaults to `test` outside production; production must name it (SECURITY 36). */
  PAYMENTS: z.enum(["test", "stripe"]).optional(),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  /** Comma-separated origins allowed by CORS and at the Socket.IO handshake besides the app's own. */
  CORS_ORIGINS: z.string().default(""),
  /** Trust X-Forwarded-For from this many proxies (0: the client IP is the socket's). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Requests per minute per IP across the API. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Socket.IO connections one IP may hold open at once, per server process. */
  SOCKET_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(20),
  /** Socket.IO HTTP requests (handshakes, polls, WebSocket upgrades) per minute per IP, across processes with Redis. */
  SOCKET_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /**
   * How long a stopping process keeps serving with readiness false (and each keep-alive connection
   * closed after its next answer) before it stops accepting: a balancer that polls /readyz stops
   * sending to it first, so no request meets the closing server's 503. 0: none (Kubernetes' preStop
   * pause does the same there). The shutdown limit (10 s) counts from its end.
   */
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /**
   * How long a disconnected socket's rooms and missed events are kept for it (Socket.IO connection
   * state recovery): one back within this time gets what it missed, in order, once. 0: not kept.
   */
  SOCKET_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long an unpaid order holds its stock before the sweeper cancels it. */
  ORDER_HOLD_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(15),
  /**
   * Unpaid orders and the units they hold, per buyer: one account cannot take a product off sale
   * by placing orders it never pays (each holds its stock for ORDER_HOLD_MINUTES).
   */
  MAX_UNPAID_ORDERS: z.coerce.number().int().min(1).max(1000).default(3),
  MAX_HELD_UNITS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** The platform's fee on each seller order, in basis points (1000 = 10%). */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** How often the expired-order sweeper runs (0: never, e.g. in tests that sweep by hand). */
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** The platform's time zone: where a dashboard's day starts and ends (an IANA name). */
  STATS_TIME_ZONE: z.string().default("UTC").refine(isTimeZone, "Use an IANA time zone such as UTC or Europe/Paris"),
  /** How often each process brings the sales rollups up to date (0: never, e.g. in tests that do it by hand). */
  STATS_ROLLUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /**
   * How long each process keeps admin.stats' answer per period (0: never). Below the dashboards'
   * live refetch throttle (2 s), so a refetch after a payment never gets an answer from before it.
   */
  STATS_ADMIN_CACHE_MS: z.coerce.number().int().min(0).max(1900).default(1500),
  /**
   * How long each process reuses a server-rendered public page while the catalog has not changed
   * (0: render every request). At most the shared caches' s-maxage (30 s) of those pages.
   */
  SSR_PAGE_CACHE_MS: z.coerce.number().int().min(0).max(30_000).default(10_000),
  /** Image bytes a shop may keep stored (uploads not yet swept count too). */
  UPLOAD_QUOTA_MB: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** How long an uploaded image nothing references is kept before the sweeper removes it. */
  UPLOAD_GRACE_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24),
  /** How often unreferenced uploads are swept (0: never, e.g. in tests that sweep by hand). */
  UPLOAD_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(3600),
  /**
   * Where uploaded images are kept: `disk` (DATA_DIR/uploads: one process, or replicas sharing a
   * volume), `database` (PostgreSQL: every replica) or `s3` (an S3-compatible bucket: S3_*).
   * Default: `database` with DATABASE_URL, so a deployment of several replicas is right without
   * it; `disk` on the embedded database.
   */
  UPLOAD_STORE: z.enum(["disk", "database", "s3"]).optional(),
  /** With UPLOAD_STORE=s3: the bucket and its region (required), and where keys start (default: none). */
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_./-]{0,200}$/, "letters, digits and _ . / - only (at most 200)")
    .default(""),
  /** Another S3-compatible service than AWS (MinIO, Ceph, R2…): its URL; most need path-style URLs too. */
  S3_ENDPOINT: z
    .string()
    .regex(/^https?:\/\//, "must be an http:// or https:// URL")
    .optional(),
  S3_FORCE_PATH_STYLE: boolish.default(false),
  /** Both or neither: without them the AWS SDK finds credentials itself (e.g. a pod's IAM role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Days after delivery before a seller order's net is paid out to its shop (returns and disputes come first). */
  PAYOUT_HOLD_DAYS: z.coerce.number().min(0).max(365).default(7),
  /** How often each process's payout worker makes the due transfers (0: never, e.g. in tests that run it by hand). */
  PAYOUT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(60),
  /** The signing secret of a separate Connect webhook endpoint (connected accounts' events), when Stripe gives one. */
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().optional(),
  /** Stripe's publishable key, handed to the browser for Stripe Elements. */
  STRIPE_PUBLISHABLE_KEY: z.string().optional(),
  /**
   * The Prometheus metrics listener's port, never the public one: unset, no listener (the
   * default); 0, any free port (tests).
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where the metrics listener binds; HOST by default (0.0.0.0 in the image, 127.0.0.1 on a bare start). */
  METRICS_HOST: z.string().min(1).optional(),
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /**
   * Admins must sign in with two-factor: one without it reaches only the set-up page. Default:
   * true when NODE_ENV=production.
   */
  REQUIRE_ADMIN_2FA: boolish.optional(),
  /** `smtp://` or `smtps://` (user and password in the URL): where outgoing email is handed over. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  /** The sender of every email, e.g. `Bazaar <no-reply@example.com>`. */
  MAIL_FROM: z.string().min(3).max(200).optional(),
  /** `off`: no email at all (production needs it or SMTP_URL: a forgotten transport must not lose mail silently). */
  MAIL: z.enum(["off"]).optional(),
  /** Tries of one message before it is marked dead (visible to admins). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** How often each process's mail worker looks for due messages (0: never, e.g. in tests that send by hand). */
  MAIL_POLL_SECONDS: z.coerce.number().min(0).max(3600).default(2),
  /** The site's public address, for links in emails (default: http://HOST:PORT). */
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, "must be an http:// or https:// URL without query")
    .optional(),
  /** Seed demo data on the first embedded start (never in production). */
  SEED_DEMO: boolish.default(true),
  /** Where the built Vue client lives; served when it exists. */
  CLIENT_DIST: z.string().optional(),
});

/** `./.data` at the repository's root: where `pnpm start` keeps the embedded database. */
const REPO_DATA_DIR = path.resolve(new URL("../../.data", import.meta.url).pathname);

/** The S3 store's settings (UPLOAD_STORE=s3), checked complete by loadConfig. */
export interface S3Settings {
  bucket: string;
  region: string;
  keyPrefix: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Absent: the AWS SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * How outgoing email leaves: `smtp` through SMTP_URL; `outbox` keeps it in the database for the
 * recipient's own mailbox page (development and tests only: nothing is delivered); `off`: none.
 */
export type MailSettings =
  | { transport: "smtp"; url: string; from: string }
  | { transport: "outbox"; from: string }
  | { transport: "off" };

export type Config = Omit<z.infer<typeof configSchema>, "PAYMENTS" | "UPLOAD_STORE" | "REQUIRE_ADMIN_2FA"> & {
  REQUIRE_ADMIN_2FA: boolean;
  PAYMENTS: "test" | "stripe";
  UPLOAD_STORE: "disk" | "database" | "s3";
  /** Set when UPLOAD_STORE=s3. */
  s3: S3Settings | null;
  dataDir: string;
  clientDist: string;
  /** The metrics listener, when METRICS_PORT is set. */
  metrics: { host: string; port: number; token?: string } | null;
  corsOrigins: string[];
  isProduction: boolean;
  mail: MailSettings;
  /** PUBLIC_URL without a trailing slash. */
  publicUrl: string;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The config of a one-shot command (`db:migrate`, `db:seed`): see `forServer` below. */
export function loadCommandConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(env, { forServer: false });
}

/**
 * Parses an environment (process.env by default) into the server's config. `forServer: false`
 * (the migrate and seed commands) skips the checks only a serving process needs: a one-shot
 * migration in production takes no payments, so it does not ask for PAYMENTS or Stripe's keys.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { forServer = true }: { forServer?: boolean } = {}): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as in most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  // The test provider marks any order paid for free (payment.confirmTest): a production server
  // must not fall into it because a variable was forgotten.
  if (forServer && !c.PAYMENTS && c.NODE_ENV === "production") {
    throw new ConfigError(
      "Invalid configuration:\n  PAYMENTS: required when NODE_ENV=production (stripe; or test, which lets anyone mark orders paid for free)",
    );
  }
  if (forServer && c.PAYMENTS === "stripe" && (!c.STRIPE_SECRET_KEY || !c.STRIPE_WEBHOOK_SECRET)) {
    throw new ConfigError(
      "Invalid configuration:\n  STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: required when PAYMENTS=stripe",
    );
  }
  // Metrics share nothing with the public port: serving both on one would put /metrics in front of everyone.
  if (c.METRICS_PORT !== undefined && c.METRICS_PORT !== 0 && c.METRICS_PORT === c.PORT) {
    throw new ConfigError("Invalid configuration:\n  METRICS_PORT: must differ from PORT (metrics are never served on the public port)");
  }
  const uploadStore = c.UPLOAD_STORE ?? (c.DATABASE_URL ? "database" : "disk");
  const mail = mailSettings(c, forServer);
  if (forServer && mail.transport === "smtp" && c.NODE_ENV === "production" && !c.PUBLIC_URL) {
    throw new ConfigError("Invalid configuration:\n  PUBLIC_URL: required with SMTP_URL in production (the links in emails point there)");
  }
  const host = c.HOST.includes(":") ? `[${c.HOST}]` : c.HOST;
  return {
    ...c,
    PAYMENTS: c.PAYMENTS ?? "test",
    UPLOAD_STORE: uploadStore,
    REQUIRE_ADMIN_2FA: c.REQUIRE_ADMIN_2FA ?? c.NODE_ENV === "production",
    s3: s3Settings(c, uploadStore),
    metrics:
      c.METRICS_PORT === undefined
        ? null
        : { host: c.METRICS_HOST ?? c.HOST, port: c.METRICS_PORT, ...(c.METRICS_TOKEN ? { token: c.METRICS_TOKEN } : {}) },
    dataDir: c.DATA_DIR ? path.resolve(env.INIT_CWD ?? process.cwd(), c.DATA_DIR) : REPO_DATA_DIR,
    clientDist: path.resolve(
      c.CLIENT_DIST ?? new URL("../../client/dist", import.meta.url).pathname,
    ),
    corsOrigins: c.CORS_ORIGINS.split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    isProduction: c.NODE_ENV === "production",
    mail,
    publicUrl: (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/+$/, ""),
  };
}

const DEFAULT_MAIL_FROM = "Bazaar <no-reply@bazaar.localhost>";

/**
 * SMTP_URL sends; without it, development and tests keep mail in the local outbox, and production
 * refuses to start unless MAIL=off says that no email is wanted.
 */
function mailSettings(c: z.infer<typeof configSchema>, forServer: boolean): MailSettings {
  if (c.MAIL === "off") {
    if (c.SMTP_URL) throw new ConfigError("Invalid configuration:\n  MAIL: off contradicts SMTP_URL (set one of them)");
    return { transport: "off" };
  }
  if (c.SMTP_URL) {
    if (c.NODE_ENV === "production" && !c.MAIL_FROM) {
      throw new ConfigError("Invalid configuration:\n  MAIL_FROM: required with SMTP_URL in production (the sender of every email)");
    }
    return { transport: "smtp", url: c.SMTP_URL, from: c.MAIL_FROM ?? DEFAULT_MAIL_FROM };
  }
  if (forServer && c.NODE_ENV === "production") {
    throw new ConfigError(
      "Invalid configuration:\n  SMTP_URL: required when NODE_ENV=production (or MAIL=off to run without email: no verification, reset or order mails)",
    );
  }
  return { transport: "outbox", from: c.MAIL_FROM ?? DEFAULT_MAIL_FROM };
}

const S3_VARIABLES = ["S3_BUCKET", "S3_REGION", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;

/**
 * The S3 store's settings, or why they are incomplete. S3 variables set for another store are an
 * error too: images would silently go elsewhere than the operator meant.
 */
function s3Settings(c: z.infer<typeof configSchema>, uploadStore: Config["UPLOAD_STORE"]): S3Settings | null {
  if (uploadStore !== "s3") {
    const stray = S3_VARIABLES.filter((k) => c[k] !== undefined);
    if (stray.length) {
      throw new ConfigError(`Invalid configuration:\n  ${stray.join(", ")}: only read with UPLOAD_STORE=s3 (uploads go to ${uploadStore})`);
    }
    return null;
  }
  const missing = (["S3_BUCKET", "S3_REGION"] as const).filter((k) => !c[k]);
  if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join(", ")}: required when UPLOAD_STORE=s3`);
  if (!c.S3_ACCESS_KEY_ID !== !c.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      "Invalid configuration:\n  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither (the AWS SDK then finds credentials itself)",
    );
  }
  return {
    bucket: c.S3_BUCKET!,
    region: c.S3_REGION!,
    keyPrefix: c.S3_KEY_PREFIX,
    endpoint: c.S3_ENDPOINT,
    forcePathStyle: c.S3_FORCE_PATH_STYLE,
    credentials: c.S3_ACCESS_KEY_ID ? { accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY! } : undefined,
  };
}

/**
 * What an operator must not miss at start, one line each: a production server taking test
 * payments (PAYMENTS=test set on purpose, e.g. for a staging site) is one.
 */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.isProduction && config.mail.transport === "off") {
    warnings.push("WARNING: MAIL=off: no email is sent (sign-up verification, password reset and order messages are lost)");
  }
  if (config.isProduction && config.PAYMENTS === "test") {
    warnings.push("WARNING: PAYMENTS=test in production: payment.confirmTest marks any order paid without charging anyone");
  }
  return warnings;
}
