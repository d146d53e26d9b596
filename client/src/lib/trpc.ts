import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AppRouter } from "@marketplace/server/router";
import superjson from "superjson";
import { shopHeaders } from "./shop-choice.ts";

/**
 * The one tRPC client. Same-origin requests carry the session cookie on their own; the server
 * caps a batch at 10 calls, so the link does too. The shop chosen in the seller area rides along
 * as `x-shop-id` (lib/shop-choice.ts).
 */
export let trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "/trpc", transformer: superjson, maxItems: 10, headers: shopHeaders })],
});

/**
 * The server's renderer calls the procedures in its own process instead (a local link: no HTTP,
 * always as an anonymous visitor), through the same query functions the browser uses.
 */
export function useLocalTransport(link: TRPCLink<AppRouter>): void {
  trpc = createTRPCClient<AppRouter>({ links: [link] });
}

/** What a form or a toast needs from any failure, whatever threw it. */
export interface ApiError {
  /** A sentence to show a person. */
  message: string;
  /** The tRPC code (BAD_REQUEST, UNAUTHORIZED, …), or NETWORK / UNKNOWN when none came back. */
  code: string;
  /** Messages per input field, keyed by the field's name (email, password, …). */
  fieldErrors: Record<string, string[]>;
  /** Messages about the input as a whole. */
  formErrors: string[];
  details: Record<string, unknown> | null;
}

/** The data the server's error formatter adds (server/src/trpc/errors.ts); read defensively. */
interface ServerErrorData {
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string[] | undefined> | null;
  formErrors?: string[] | null;
  details?: Record<string, unknown> | null;
}

const GENERIC: Record<string, string> = {
  NETWORK: "We could not reach the server. Check your connection and try again.",
  INTERNAL_SERVER_ERROR: "Something went wrong on our side. Please try again.",
  UNAUTHORIZED: "Please sign in to continue.",
  FORBIDDEN: "You are not allowed to do that.",
  UNKNOWN: "Something went wrong. Please try again.",
};

/**
 * Turns any thrown value into an ApiError. Field errors keep only non-empty lists, so a form can
 * test `fieldErrors.email` directly; a zod failure's generic "Invalid input" is kept as the
 * message but forms prefer the field messages (see `formMessage`).
 */
export function readApiError(err: unknown): ApiError {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? null) as ServerErrorData | null;
    if (!data) {
      // No tRPC envelope came back: the request never reached the server, or a proxy answered.
      return { message: GENERIC.NETWORK!, code: "NETWORK", fieldErrors: {}, formErrors: [], details: null };
    }
    const code = data.code ?? "UNKNOWN";
    const fieldErrors: Record<string, string[]> = {};
    for (const [field, messages] of Object.entries(data.fieldErrors ?? {})) {
      if (messages?.length) fieldErrors[field] = messages;
    }
    const message = err.message && code !== "INTERNAL_SERVER_ERROR" ? err.message : (GENERIC[code] ?? GENERIC.UNKNOWN!);
    return { message, code, fieldErrors, formErrors: data.formErrors ?? [], details: data.details ?? null };
  }
  return { message: GENERIC.UNKNOWN!, code: "UNKNOWN", fieldErrors: {}, formErrors: [], details: null };
}

/**
 * The form-level message to show next to field messages: nothing when every problem is already
 * shown beside one of the form's own fields, otherwise the form errors or the error's message.
 */
export function formMessage(error: ApiError, fields: readonly string[]): string | null {
  if (error.formErrors.length) return error.formErrors.join(" ");
  const unshown = Object.keys(error.fieldErrors).filter((f) => !fields.includes(f));
  const shownSome = Object.keys(error.fieldErrors).length > unshown.length;
  if (shownSome && unshown.length === 0) return null;
  if (unshown.length) return unshown.flatMap((f) => error.fieldErrors[f] ?? []).join(" ");
  return error.message;
}

/** True when the error means "you are not signed in (any more)". */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof TRPCClientError && (err.data as ServerErrorData | null)?.code === "UNAUTHORIZED";
}
