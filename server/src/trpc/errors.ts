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
    cause instanceof ZodError ? "Invalid input" : internal && !isDev ? "Internal server error" : (parserMessage(error) ?? shape.message);
  const { stack: _stack, ...data } = shape.data;
  return {
    ...shape,
    message,
    data: { ...data, ...(isDev ? { stack: shape.data.stack } : {}), fieldErrors, formErrors, details },
  };
}

/**
 * A request tRPC could not read: its body or query is not JSON ("Malformed request"), or superjson
 * could not rebuild the input (tRPC's BAD_REQUEST carrying the parser's own error). Those errors
 * speak of the parser, not the request — "Maximum call stack size exceeded" for a deeply nested
 * `meta`, superjson's class names and the URL of its issue tracker — so the client gets one plain
 * sentence instead, in development too. tRPC's own fixed BAD_REQUEST messages ("Batch call exceeds
 * maximum size") carry no cause and pass unchanged.
 */
function parserMessage(error: TRPCError): string | null {
  const cause = error.cause;
  if (error.code === "PARSE_ERROR" || (error.code === "BAD_REQUEST" && cause instanceof SyntaxError)) return "Malformed request";
  if (error.code === "BAD_REQUEST" && cause && !(cause instanceof DomainError) && !(cause instanceof ZodError)) return "Invalid input";
  return null;
}
