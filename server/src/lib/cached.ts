/**
 * `fn`, called at most once per `ttlMs`: callers during a call and for `ttlMs` after it settles
 * share its answer. For answers that many callers may ask for at once and that may be a moment
 * old (a readiness probe flooded by a load balancer or an attacker must not become one database
 * round trip per request). `fn` should not reject: an error is shared like any answer.
 */
export function cachedFor<T>(ttlMs: number, fn: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let current: Promise<T> | undefined;
  let expiresAt = 0;
  return () => {
    if (current && now() < expiresAt) return current;
    const call = fn();
    current = call;
    expiresAt = Number.POSITIVE_INFINITY; // shared until it settles, then for ttlMs
    const settle = () => {
      if (current === call) expiresAt = now() + ttlMs;
    };
    call.then(settle, settle);
    return call;
  };
}
