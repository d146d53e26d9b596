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
