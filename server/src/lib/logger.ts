import type { FastifyBaseLogger, FastifyServerOptions } from "fastify";
import type { Config } from "../config.ts";

/** Anything that could carry a secret never reaches a log line. */
const REDACT = [
  "req.headers.cookie",
  "req.headers.authorization",
  'res.headers["set-cookie"]',
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.passwordHash",
  "*.token",
  "*.tokenHash",
];

/** pino: pretty in development, JSON lines in production, quiet in tests unless LOG_LEVEL says. */
export function loggerOptions(config: Config): FastifyServerOptions["logger"] {
  const level = config.LOG_LEVEL ?? (config.NODE_ENV === "test" ? "silent" : "info");
  if (config.NODE_ENV === "development") {
    return {
      level,
      redact: REDACT,
      transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss", ignore: "pid,hostname" } },
    };
  }
  return { level, redact: REDACT };
}

/**
 * Each request's logger (Fastify's `childLoggerFactory`): pino's child, bound to the request id,
 * except when the level is `silent`. Nothing is ever written then, and the child (its bindings
 * serialised and redacted) cost every request 2.8 µs of CPU in a profile of 60,000 kept search
 * answers, against 0.3 µs without it (bench/README.md, "Catalog search").
 */
export function requestLogger(logger: FastifyBaseLogger, bindings: Record<string, unknown>, opts: { level?: string }): FastifyBaseLogger {
  return logger.level === "silent" && opts.level === undefined ? logger : logger.child(bindings, opts);
}
