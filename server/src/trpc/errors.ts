import { TRPCError } from "@trpc/server";
import type { DefaultErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { ZodError, z } from "zod";
import { DomainError } from "../lib/errors.ts";

/** Maps a service's domain error to the tRPC error of the same meaning. */
export function toTRPCError(err: DomainError): TRPCError {
  return new TRPCError({ code: err.kind, message: err.message, cause: err });
}

export interface ErrorData {
  /** Field errors for forms: zod's flattened shape, or a domain error's own. */
  fieldErrors: Record<string, string[]> | null;
  formErrors: string[] | null;
  details: Record<string, unknown> | null;
}

/**
 * Shapes every error sent to clients: zod issues flattened into field errors; internal errors
 * reduced to a generic message with no stack, SQL or paths outside development.
 */
export function formatError(
  { shape, error }: { shape: DefaultErrorShape; error: TRPCError },
  isDev: boolean,
): DefaultErrorShape & { data: DefaultErrorShape["data"] & ErrorData } {
  const cause = error.cause;
  let fieldErrors: Record<string, string[]> | null = null;
  let formErrors: string[] | null = null;
  let details: Record<string, unknown> | null = null;
  if (cause instanceof ZodError) {
    const flat = z.flattenError(cause);
    fieldErrors = flat.fieldErrors as Record<string, string[]>;
    formErrors = flat.formErrors;
  } else if (cause instanceof DomainError) {
    fieldErrors = cause.fieldErrors ?? null;
    details = cause.details ?? null;
  }
  const internal = error.code === "INTERNAL_SERVER_ERROR";
  const message =
    cause instanceof ZodError ? "Invalid input" : internal && !isDev ? "Internal server error" : shape.message;
  const { stack: _stack, ...data } = shape.data;
  return {
    ...shape,
    message,
    data: { ...data, ...(isDev ? { stack: shape.data.stack } : {}), fieldErrors, formErrors, details },
  };
}
