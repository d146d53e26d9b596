import pg from "pg";
import { isDeadConnectionError } from "./errors.ts";

export { isDeadConnectionError };

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

const READ_STATEMENT = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*select\b/i;

export function isReadStatement(text: string): boolean {
  return READ_STATEMENT.test(text);
}

export interface ReadRetryOptions {
  /** Told of each retry (for the log and metrics). */
  onRetry?: (err: Error) => void;
}

/** pg's promise forms of `query`: a statement's text (with values), or a query config. */
interface PromiseQuery {
  textOrConfig: string | pg.QueryConfig;
  values?: unknown[];
}

/** The arguments of a promise-form call, or null for pg's other forms (a stream, a callback). */
function promiseForm(args: unknown[]): PromiseQuery | null {
  const [first, values, ...rest] = args;
  if (rest.length || (values !== undefined && !Array.isArray(values))) return null;
  const isConfig = typeof first === "object" && first !== null && typeof (first as { text?: unknown }).text === "string" && typeof (first as { submit?: unknown }).submit !== "function";
  if (typeof first !== "string" && !isConfig) return null;
  return { textOrConfig: first as string | pg.QueryConfig, ...(values ? { values } : {}) };
}

/** See the constructor: the taker of the connection learns of the error from its next statement. */
function noCrashOnError(): void {}

type QueryCallback<R> = (err: Error, result: R) => void;

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
    // pg-pool listens for a connection's errors only while the connection is idle, and hands a
    // connection out through a promise (`connect()`, what Prisma's transactions use): its taker
    // attaches a listener only a microtask later. A connection whose server ended it right after
    // its last answer (both in one network read) emits the error in between, with nobody
    // listening, and an unhandled 'error' event ends the process (seen in bench/soak when every
    // backend was terminated). Each connection therefore keeps a listener of its own for its
    // whole life: the error is not lost (the connection is no longer queryable, so its taker's
    // next statement fails as a lost connection, and is retried as one), it just cannot crash.
    this.on("connect", (client) => client.on("error", noCrashOnError));
  }

  /** Runs a read-only statement, retried like any SELECT even when it starts otherwise (WITH …). */
  async read(text: string, values: unknown[]): Promise<pg.QueryResult> {
    return this.withRetry(() => super.query(text, values));
  }

  // pg's forms, typed as pg types them, so callers keep their result types: a stream or a
  // callback passes through as it came; the promise forms (what Prisma and this app send) are
  // run again when they are reads cut by a dead connection.
  override query<T extends pg.Submittable>(stream: T): T;
  override query<R extends unknown[] = unknown[]>(config: pg.QueryArrayConfig, values?: unknown[]): Promise<pg.QueryArrayResult<R>>;
  override query<R extends pg.QueryResultRow = pg.QueryResultRow>(textOrConfig: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>>;
  override query<R extends unknown[] = unknown[]>(config: pg.QueryArrayConfig, callback: QueryCallback<pg.QueryArrayResult<R>>): void;
  override query<R extends pg.QueryResultRow = pg.QueryResultRow>(textOrConfig: string | pg.QueryConfig, callback: QueryCallback<pg.QueryResult<R>>): void;
  override query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[], callback: QueryCallback<pg.QueryResult<R>>): void;
  override query(...args: unknown[]): unknown {
    const form = promiseForm(args);
    if (!form) return Reflect.apply(super.query, this, args);
    const { textOrConfig, values } = form;
    const run = () => (values ? super.query(textOrConfig, values) : super.query(textOrConfig));
    const text = typeof textOrConfig === "string" ? textOrConfig : textOrConfig.text;
    return isReadStatement(text) ? this.withRetry(run) : run();
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
