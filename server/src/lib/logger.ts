import type { FastifyServerOptions } from "fastify";
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
