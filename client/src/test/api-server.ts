import { registerInput } from "@marketplace/shared";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { z } from "zod";
// The server's own error shaping, so the client is tested against what the server really sends.
import { DomainError, type DomainErrorKind } from "../../../server/src/lib/errors.ts";
import { formatError, toTRPCError } from "../../../server/src/trpc/errors.ts";

/**
 * A small tRPC server in the test process, shaped like the marketplace's: the same error
 * formatter and domain-error mapping (server/src/trpc), superjson, and the batch link over the
 * Fetch API. Its procedures fail on demand, so a test gets real TRPCClientErrors off the wire.
 */
const t = initTRPC.create({ transformer: superjson, errorFormatter: (opts) => formatError(opts, false) });

const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw toTRPCError(result.error.cause);
  return result;
});

const kinds = ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PRECONDITION_FAILED", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"] as const satisfies readonly DomainErrorKind[];

const testRouter = t.router({
  /** Sign-up's real input schema; valid input answers ok. */
  register: procedure.input(registerInput).mutation(() => ({ ok: true })),
  /** A nested input, as the product editor sends (variants.N.sku). */
  variants: procedure.input(z.strictObject({ variants: z.array(z.strictObject({ sku: z.string().min(1, "Enter a SKU") })) })).mutation(() => ({ ok: true })),
  /** Throws the domain error it is given, as a service would. */
  fail: procedure
    .input(z.object({ kind: z.enum(kinds), message: z.string(), fieldErrors: z.record(z.string(), z.array(z.string())).optional() }))
    .mutation(({ input }) => {
      throw new DomainError(input.kind, input.message, input.fieldErrors);
    }),
  /** An unexpected failure (a bug, a lost database): its message must not reach the user. */
  crash: procedure.mutation(() => {
    throw new Error("relation \"User\" does not exist");
  }),
});

const handle = (input: RequestInfo | URL, init?: RequestInit) =>
  fetchRequestHandler({ endpoint: "/trpc", req: new Request(input, init), router: testRouter, createContext: () => ({}) });

/** A client of the test server, through the same link options as lib/trpc.ts. */
export const testApi = createTRPCClient<typeof testRouter>({
  links: [httpBatchLink({ url: "http://bazaar.test/trpc", transformer: superjson, maxItems: 10, fetch: handle })],
});

/** A client whose requests never reach a server (offline, DNS, a dropped connection). */
export const offlineApi = createTRPCClient<typeof testRouter>({
  links: [
    httpBatchLink({
      url: "http://bazaar.test/trpc",
      transformer: superjson,
      fetch: () => Promise.reject(new TypeError("Failed to fetch")),
    }),
  ],
});

/** The error a call throws (fails the test if it does not throw). */
export async function errorOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}
