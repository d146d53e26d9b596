import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, startupWarnings } from "./config.ts";

describe("config", () => {
  it("has the contract's defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ HOST: "127.0.0.1", PORT: 3000, PAYMENTS: "test", NODE_ENV: "development" });
    expect(c.dataDir).toBe(path.resolve(new URL("../../.data", import.meta.url).pathname));
    expect(loadConfig({ DATA_DIR: "db", INIT_CWD: "/srv/app" }).dataDir).toBe("/srv/app/db");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_KEY_PREFIX).toBe("marketplace:");
    expect(loadConfig({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ UPLOAD_QUOTA_MB: 200, UPLOAD_GRACE_HOURS: 24, UPLOAD_SWEEP_INTERVAL_SECONDS: 3600 });
  });

  it("stops with a message naming each bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_KEY_PREFIX: "shop prod" })).toThrow(/REDIS_KEY_PREFIX: letters, digits/);
    expect(() => loadConfig({ PAYMENTS: "paypal" })).toThrow(/PAYMENTS/);
    expect(() => loadConfig({ UPLOAD_QUOTA_MB: "0" })).toThrow(/UPLOAD_QUOTA_MB/);
    expect(() => loadConfig({ UPLOAD_GRACE_HOURS: "soon" })).toThrow(/UPLOAD_GRACE_HOURS/);
    expect(() => loadConfig({ PAYMENTS: "stripe" })).toThrow(/STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: required when PAYMENTS=stripe/);
  });

  it("limits Socket.IO per IP by default (20 open sockets, 300 requests a minute), and an operator may change both", () => {
    expect(loadConfig({})).toMatchObject({ SOCKET_CONNECTIONS_PER_IP: 20, SOCKET_REQUESTS_PER_MINUTE: 300 });
    expect(loadConfig({ SOCKET_CONNECTIONS_PER_IP: "100", SOCKET_REQUESTS_PER_MINUTE: "5000" })).toMatchObject({
      SOCKET_CONNECTIONS_PER_IP: 100,
      SOCKET_REQUESTS_PER_MINUTE: 5000,
    });
    expect(() => loadConfig({ SOCKET_CONNECTIONS_PER_IP: "0" })).toThrow(/SOCKET_CONNECTIONS_PER_IP/);
    expect(() => loadConfig({ SOCKET_REQUESTS_PER_MINUTE: "lots" })).toThrow(/SOCKET_REQUESTS_PER_MINUTE/);
  });

  it("serves metrics only when METRICS_PORT is set, on HOST unless METRICS_HOST says, never on the public port", () => {
    expect(loadConfig({}).metrics).toBeNull();
    expect(loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off" }).metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: "9464" }).metrics).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(loadConfig({ HOST: "0.0.0.0", METRICS_PORT: "9464" }).metrics).toEqual({ host: "0.0.0.0", port: 9464 });
    expect(loadConfig({ HOST: "0.0.0.0", METRICS_PORT: "9464", METRICS_HOST: "10.0.0.5", METRICS_TOKEN: "a-token-of-sixteen+" }).metrics).toEqual({
      host: "10.0.0.5",
      port: 9464,
      token: "a-token-of-sixteen+",
    });
    expect(loadConfig({ METRICS_PORT: "" }).metrics).toBeNull();
    expect(() => loadConfig({ METRICS_PORT: "3000" })).toThrow(/METRICS_PORT: must differ from PORT/);
    expect(() => loadConfig({ METRICS_PORT: "70000" })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: "9464", METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: at least 16 characters/);
  });

  it("parses CORS origins and the production flag", () => {
    const c = loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off", CORS_ORIGINS: "https://a.example, https://b.example" });
    expect(c.isProduction).toBe(true);
    expect(c.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("requires two-factor of admins in production unless REQUIRE_ADMIN_2FA says otherwise", () => {
    expect(loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off" }).REQUIRE_ADMIN_2FA).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off", REQUIRE_ADMIN_2FA: "false" }).REQUIRE_ADMIN_2FA).toBe(false);
    expect(loadConfig({}).REQUIRE_ADMIN_2FA).toBe(false);
    expect(loadConfig({ REQUIRE_ADMIN_2FA: "true" }).REQUIRE_ADMIN_2FA).toBe(true);
    expect(() => loadConfig({ REQUIRE_ADMIN_2FA: "sometimes" })).toThrow(/REQUIRE_ADMIN_2FA/);
  });

  it("SECURITY 36: production refuses to start on the test payment provider unless PAYMENTS names it", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/PAYMENTS: required when NODE_ENV=production/);
    // The one-shot migrate and seed commands take no payments: they need no PAYMENTS.
    expect(loadConfig({ NODE_ENV: "production" }, { forServer: false }).isProduction).toBe(true);
    expect(() => loadConfig({ NODE_ENV: "production", PAYMENTS: "" })).toThrow(/PAYMENTS/);
    const stripe = { NODE_ENV: "production", MAIL: "off", PAYMENTS: "stripe", STRIPE_SECRET_KEY: "sk_live_x", STRIPE_WEBHOOK_SECRET: "whsec_x" };
    expect(loadConfig(stripe).PAYMENTS).toBe("stripe");
    expect(loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off" }).PAYMENTS).toBe("test");
    // Outside production the test provider stays the default.
    expect(loadConfig({ NODE_ENV: "development" }).PAYMENTS).toBe("test");
    expect(loadConfig({ NODE_ENV: "test" }).PAYMENTS).toBe("test");
  });

  it("SECURITY 36: PAYMENTS=test set explicitly in production is one loud warning at start; nothing otherwise", () => {
    const warnings = startupWarnings(loadConfig({ NODE_ENV: "production", PAYMENTS: "test", ...SMTP }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: PAYMENTS=test in production/);
    expect(startupWarnings(loadConfig({ NODE_ENV: "production", PAYMENTS: "stripe", STRIPE_SECRET_KEY: "sk", STRIPE_WEBHOOK_SECRET: "wh", ...SMTP }))).toEqual([]);
    expect(startupWarnings(loadConfig({}))).toEqual([]);
  });

  it("keeps uploads on disk on the embedded database and in PostgreSQL with DATABASE_URL, unless UPLOAD_STORE names another", () => {
    const pg = "postgresql://u@db:5432/bazaar";
    expect(loadConfig({})).toMatchObject({ UPLOAD_STORE: "disk", s3: null });
    expect(loadConfig({ DATABASE_URL: pg })).toMatchObject({ UPLOAD_STORE: "database", s3: null });
    expect(loadConfig({ DATABASE_URL: pg, UPLOAD_STORE: "disk" }).UPLOAD_STORE).toBe("disk");
    expect(loadConfig({ UPLOAD_STORE: "database" }).UPLOAD_STORE).toBe("database");
    expect(() => loadConfig({ UPLOAD_STORE: "ftp" })).toThrow(/UPLOAD_STORE/);
  });

  it("UPLOAD_STORE=s3 needs its bucket and region, and both keys or neither; S3 variables for another store are refused", () => {
    expect(() => loadConfig({ UPLOAD_STORE: "s3" })).toThrow(/S3_BUCKET, S3_REGION: required when UPLOAD_STORE=s3/);
    expect(() => loadConfig({ UPLOAD_STORE: "s3", S3_BUCKET: "images" })).toThrow(/^Invalid configuration:\n {2}S3_REGION: required/);
    const s3 = { UPLOAD_STORE: "s3", S3_BUCKET: "images", S3_REGION: "eu-west-1" };
    expect(() => loadConfig({ ...s3, S3_ACCESS_KEY_ID: "AKIA" })).toThrow(/S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither/);
    expect(() => loadConfig({ ...s3, S3_ENDPOINT: "minio:9000" })).toThrow(/S3_ENDPOINT: must be an http/);
    expect(() => loadConfig({ ...s3, S3_KEY_PREFIX: "../x y" })).toThrow(/S3_KEY_PREFIX/);
    expect(loadConfig(s3).s3).toEqual({ bucket: "images", region: "eu-west-1", keyPrefix: "", endpoint: undefined, forcePathStyle: false, credentials: undefined });
    expect(
      loadConfig({ ...s3, S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: "true", S3_KEY_PREFIX: "uploads/", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }).s3,
    ).toEqual({ bucket: "images", region: "eu-west-1", keyPrefix: "uploads/", endpoint: "http://minio:9000", forcePathStyle: true, credentials: { accessKeyId: "k", secretAccessKey: "s" } });
    expect(() => loadConfig({ DATABASE_URL: "postgresql://u@db/b", S3_BUCKET: "images" })).toThrow(/S3_BUCKET: only read with UPLOAD_STORE=s3 \(uploads go to database\)/);
  });
});

const SMTP = { SMTP_URL: "smtp://user:pass@mail.example:587", MAIL_FROM: "Bazaar <no-reply@shop.example>", PUBLIC_URL: "https://shop.example/" };

describe("email transport", () => {
  it("refuses a production start without SMTP_URL unless MAIL=off says so, naming SMTP_URL", () => {
    expect(() => loadConfig({ NODE_ENV: "production", PAYMENTS: "test" })).toThrow(/SMTP_URL: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: "production", PAYMENTS: "test" }, { forServer: false }).mail.transport).toBe("outbox");
    const off = loadConfig({ NODE_ENV: "production", PAYMENTS: "test", MAIL: "off" });
    expect(off.mail).toEqual({ transport: "off" });
    expect(startupWarnings(off).some((w) => w.startsWith("WARNING: MAIL=off"))).toBe(true);
    expect(() => loadConfig({ MAIL: "off", SMTP_URL: SMTP.SMTP_URL })).toThrow(/MAIL: off contradicts SMTP_URL/);
    expect(() => loadConfig({ MAIL: "maybe" })).toThrow(/MAIL/);
  });

  it("sends through SMTP_URL from MAIL_FROM; production needs MAIL_FROM and PUBLIC_URL with it", () => {
    const c = loadConfig({ NODE_ENV: "production", PAYMENTS: "test", ...SMTP });
    expect(c.mail).toEqual({ transport: "smtp", url: SMTP.SMTP_URL, from: SMTP.MAIL_FROM });
    expect(c.publicUrl).toBe("https://shop.example");
    expect(() => loadConfig({ NODE_ENV: "production", PAYMENTS: "test", ...SMTP, MAIL_FROM: "" })).toThrow(/MAIL_FROM: required/);
    expect(() => loadConfig({ NODE_ENV: "production", PAYMENTS: "test", ...SMTP, PUBLIC_URL: "" })).toThrow(/PUBLIC_URL: required/);
    expect(() => loadConfig({ SMTP_URL: "http://mail.example" })).toThrow(/SMTP_URL/);
  });

  it("keeps mail in the local outbox outside production without SMTP_URL, with links to HOST:PORT", () => {
    const c = loadConfig({ PORT: "4000" });
    expect(c.mail.transport).toBe("outbox");
    expect(c.publicUrl).toBe("http://127.0.0.1:4000");
  });
});
