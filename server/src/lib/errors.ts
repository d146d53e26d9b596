/**
 * Domain errors: what services throw. The tRPC layer maps each kind to its error code
 * (trpc/errors.ts), so services never import tRPC.
 */
export type DomainErrorKind =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE";

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Field errors in zod's flattened shape, for forms. */
    readonly fieldErrors?: Record<string, string[]>,
    /** Extra data a client may act on (e.g. the variant ids short of stock). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);
export const forbidden = (message = "You are not allowed to do that") =>
  new DomainError("FORBIDDEN", message);
export const conflict = (message: string) => new DomainError("CONFLICT", message);
export const badInput = (field: string, message: string) =>
  new DomainError("BAD_REQUEST", message, { [field]: [message] });
/** `retryAfterSeconds`: the real rest of the window, so the client can say when to try again. */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new DomainError(
    "TOO_MANY_REQUESTS",
    `Too many attempts. Try again in ${retryAfterSeconds < 60 ? `${retryAfterSeconds} s` : `${Math.ceil(retryAfterSeconds / 60)} min`}.`,
    undefined,
    { retryAfterSeconds },
  );
