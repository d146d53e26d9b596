/**
 * Reading Prisma's errors. A unique violation is P2002 from a model query, but P2010 ("raw query
 * failed") with the driver's own error from `$queryRaw`/`$executeRaw`.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } } | null;
  if (e?.code === "P2002") return true;
  return e?.code === "P2010" && e.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}

/**
 * PostgreSQL gave up the transaction to break a deadlock (40P01) or a serialization conflict (40001):
 * nothing of it was kept, and running it again is the documented remedy.
 */
export function isWriteConflict(err: unknown): boolean {
  const e = err as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } }; cause?: { kind?: string } } | null;
  if (!e) return false;
  if (e.code === "P2034") return true;
  if (e.meta?.driverAdapterError?.cause?.kind === "TransactionWriteConflict" || e.cause?.kind === "TransactionWriteConflict") return true;
  return /deadlock detected|could not serialize access/i.test(String(e.message ?? ""));
}

/** No pooled connection came free within the transaction's `maxWait`: the database is saturated. */
export function isTransactionStartTimeout(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2028" && /unable to start a transaction/i.test(String((err as Error).message));
}
