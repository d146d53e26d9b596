import { TRPCError } from "@trpc/server";
import type { DefaultErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { ZodError } from "zod";
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
    // Keyed by the full path ("variants.0.sku", "shippingAddress.city"), so a form can put each
    // message next to its own input; issues without a path are form errors.
    fieldErrors = {};
    formErrors = [];
    for (const issue of cause.issues) {
      if (!issue.path.length) formErrors.push(issue.message);
      else (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
    }
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
