/**
 * Reading Prisma's errors. A model query reports a constraint by its own code (P2002, P2034…);
 * `$queryRaw`/`$executeRaw` report P2010 ("raw query failed") with the driver adapter's error, whose
 * `kind` says the same thing.
 */
type PrismaLikeError = { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } }; cause?: { kind?: string } } | null;

/** The driver adapter's name for the failure (e.g. "UniqueConstraintViolation"), when it gave one. */
function adapterKind(err: unknown): string | undefined {
  const e = err as PrismaLikeError;
  return e?.meta?.driverAdapterError?.cause?.kind;
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as PrismaLikeError;
  if (e?.code === "P2002") return true;
  return e?.code === "P2010" && adapterKind(err) === "UniqueConstraintViolation";
}

/**
 * PostgreSQL gave up the transaction to break a deadlock (40P01) or a serialization conflict (40001):
 * nothing of it was kept, and running it again is the documented remedy.
 */
export function isWriteConflict(err: unknown): boolean {
  const e = err as PrismaLikeError;
  if (!e) return false;
  if (e.code === "P2034" || adapterKind(err) === "TransactionWriteConflict" || e.cause?.kind === "TransactionWriteConflict") return true;
  return /deadlock detected|could not serialize access/i.test(String(e.message ?? ""));
}

/** No pooled connection came free within the transaction's `maxWait`: the database is saturated. */
export function isTransactionStartTimeout(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2028" && /unable to start a transaction/i.test(String((err as Error).message));
}

/**
 * The transaction outlived its time limit (TRANSACTION_LIMITS.timeout) and Prisma rolled it back:
 * its next statement or its commit is refused ("… on an expired transaction"). Nothing of it was
 * kept; the database was too busy for it (long lock queues on a saturated machine).
 */
export function isTransactionExpired(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2028" && /expired transaction/i.test(String((err as Error).message));
}

/**
 * The statement failed because its connection was lost (the server restarted, failed over, or an
 * administrator ended the backend), not because of what it asked: Prisma wraps the driver's error
 * (its code, or the adapter's "ConnectionClosed") in its own, so each layer is looked at.
 */
export function isLostConnection(err: unknown): boolean {
  const seen = new Set<unknown>();
  const layers: unknown[] = [err];
  while (layers.length) {
    const e = layers.pop() as
      | (PrismaLikeError & { meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string } } }; cause?: unknown })
      | null
      | undefined;
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    if (isDeadConnectionError(e)) return true;
    const adapterCause = e.meta?.driverAdapterError?.cause;
    if (adapterCause) layers.push({ ...adapterCause, message: "" });
    const { kind, code, originalCode } = e as { kind?: string; code?: string; originalCode?: string };
    if (kind === "ConnectionClosed") return true;
    if (kind === "postgres" && (DEAD_CONNECTION_CODES.has(code ?? "") || DEAD_CONNECTION_CODES.has(originalCode ?? ""))) return true;
    if (typeof e.message === "string" && /terminating connection due to administrator command|Connection terminated|server closed the connection|Server has closed the connection/i.test(e.message)) return true;
    if (e.cause) layers.push(e.cause);
  }
  return false;
}

/**
 * node-postgres refused to send the statement: its connection had already failed ("Client has
 * encountered a connection error and is not queryable", "Client was closed and is not
 * queryable"). Nothing of it reached the server, so a COMMIT refused this way certainly did not
 * commit: the transaction died with its connection.
 */
export function isNeverSent(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err as { message?: unknown; cause?: unknown } | null | undefined; e && typeof e === "object" && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    if (typeof e.message === "string" && /is not queryable/i.test(e.message)) return true;
  }
  return false;
}

/** Codes and messages of a connection that was cut, as opposed to a statement that failed. */
const DEAD_CONNECTION_CODES = new Set([
  "57P01", // admin_shutdown: terminated by an administrator or a fast shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is still starting
  "08000", // connection_exception
  "08003", // connection_does_not_exist
  "08006", // connection_failure
  "ECONNRESET",
  "EPIPE",
]);
const DEAD_CONNECTION_MESSAGES = [/Connection terminated/i, /not queryable/i, /server closed the connection/i];

export function isDeadConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && DEAD_CONNECTION_CODES.has(code)) return true;
  return DEAD_CONNECTION_MESSAGES.some((m) => m.test(err.message));
}

