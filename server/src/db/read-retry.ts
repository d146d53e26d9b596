import pg from "pg";

/**
 * After PostgreSQL restarts (or fails over), every idle connection of the pool is dead, and the
 * pool learns it only when it next uses one: without help, the first requests after the restart
 * each fail with a 500 although the database is back. Reads are safe to run again, so a read that
 * fails because its connection was dead is retried on another one (each dead connection is dropped
 * by the pool as it fails, so the retries end on a live or a new connection).
 *
 * What counts as a read: a statement outside a transaction (transactions take a connection of
 * their own through `connect()`, never retried here) that starts with SELECT. Prisma sends each
 * non-transactional find/count/aggregate as one SELECT through `pool.query`; its writes start with
 * INSERT, UPDATE or DELETE and are never run twice. `Database.read` statements are read-only by
 * contract (client.ts) and pass `{ read: true }`.
 */

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

const READ_STATEMENT = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*select\b/i;

export function isReadStatement(text: string): boolean {
  return READ_STATEMENT.test(text);
}

type QueryConfig = { text: string; values?: unknown[] };

export interface ReadRetryOptions {
  /** Told of each retry (for the log and metrics). */
  onRetry?: (err: Error) => void;
}

/**
 * A node-postgres pool whose promise-form `query` retries reads cut by a dead connection. A
 * subclass, not a wrapper: Prisma's adapter checks `instanceof pg.Pool`.
 */
export class ReadRetryingPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly retry: ReadRetryOptions = {},
  ) {
    super(config);
  }

  /** Runs a read-only statement, retried like any SELECT even when it starts otherwise (WITH …). */
  async read(text: string, values: unknown[]): Promise<pg.QueryResult> {
    return this.withRetry(() => super.query(text, values));
  }

  // pg's overloads are many; only the promise forms Prisma and this app use are intercepted.
  override query(...args: unknown[]): never {
    const first = args[0];
    const isCallback = args.some((a) => typeof a === "function");
    const text = typeof first === "string" ? first : (first as QueryConfig | undefined)?.text;
    const run = () => (super.query as (...a: unknown[]) => Promise<pg.QueryResult>).apply(this, args);
    if (isCallback || typeof text !== "string" || !isReadStatement(text)) return run() as never;
    return this.withRetry(run) as never;
  }

  private async withRetry(run: () => Promise<pg.QueryResult>): Promise<pg.QueryResult> {
    // One more than the connections the pool may hold: at worst every pooled one is dead.
    const attempts = (this.options.max ?? 10) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= attempts || !isDeadConnectionError(err)) throw err;
        this.retry.onRetry?.(err as Error);
      }
    }
  }
}
