/**
 * A minimal tRPC-over-HTTP client for the soak (what the app's own client sends: superjson's
 * `{json: …}` envelope, queries as GET, mutations as JSON POST), with the session cookie of
 * production. Every call is classified, for the error accounting.
 */

export const SESSION_COOKIE = "__Host-session";

/** A request with no answer by then counts as "network" (generous: the machine may be shared and loaded). */
const REQUEST_TIMEOUT_MS = 90_000;

/** How a call ended: ok; a domain answer the load expects (4xx); a server error; no answer at all. */
export type Outcome = "ok" | "domain" | "server-error" | "unavailable" | "network";

export interface CallResult<T = unknown> {
  outcome: Outcome;
  status: number;
  data?: T;
  /** The tRPC error code or the network error's code. */
  code?: string;
}

export async function call<T>(base: string, path: string, kind: "query" | "mutation", input: unknown, token: string | null): Promise<CallResult<T>> {
  const headers: Record<string, string> = { origin: base };
  if (token) headers.cookie = `${SESSION_COOKIE}=${token}`;
  const envelope = JSON.stringify({ json: input });
  let res: Response;
  try {
    res =
      kind === "query"
        ? await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(envelope)}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        : await fetch(`${base}/trpc/${path}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: envelope, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { outcome: "network", status: 0, code: cause?.code ?? (err as Error).name };
  }
  const body = (await res.json().catch(() => null)) as { result?: { data?: { json?: T } }; error?: { json?: { data?: { code?: string } } } } | null;
  if (res.ok) return { outcome: "ok", status: res.status, data: body?.result?.data?.json };
  const code = body?.error?.json?.data?.code ?? `HTTP_${res.status}`;
  if (res.status === 503) return { outcome: "unavailable", status: res.status, code };
  if (res.status >= 500) return { outcome: "server-error", status: res.status, code };
  return { outcome: "domain", status: res.status, code };
}
