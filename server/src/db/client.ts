import { existsSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";
import type { PoolStats } from "../metrics/metrics.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import type { SqlConnection } from "./sql.ts";

export type Db = PrismaClient;
/** The client handed to a `$transaction` callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface Database {
  kind: "postgres" | "pglite";
  /** Where it is, for messages: host:port/database (no credentials), or the PGlite folder. */
  address: string;
  prisma: PrismaClient;
  /** This open created the database (a new embedded data folder, or one in memory). */
  created: boolean;
  /**
   * Runs one read-only statement outside any transaction and returns its rows. On PostgreSQL it
   * goes straight to the pool (a third of the CPU of Prisma's `$queryRaw`: the catalog's hot reads
   * use it); on PGlite through Prisma, which orders it with the single connection's transactions.
   * Only for statements whose columns decode the same either way (ints, text, json, timestamps),
   * or that the caller evens out (bytea: a Buffer from the pool, a Uint8Array through Prisma).
   */
  read(statement: Prisma.Sql): Promise<unknown[]>;
  /** A connection of its own (the migrator holds an advisory lock on it). */
  connect(): Promise<SqlConnection>;
  /** Throws unless the database answers. */
  ping(): Promise<void>;
  /** The connection pool's figures for the metrics (null on PGlite: one connection, no pool). */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | PostgresOptions
  | {
      dataDir: string | null;
      /** Start a new database from the migrated template when there is one (default: true). */
      fromTemplate?: boolean;
    };

/**
 * `url` → PostgreSQL through a node-postgres pool; `dataDir` → embedded PGlite kept in that
 * folder (null: in memory, for tests), locked against a second process. Each engine's modules
 * are loaded when it is opened: a process on PostgreSQL never loads PGlite's WebAssembly build,
 * one on PGlite never loads node-postgres (less to load on a first start, less memory at idle).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return "url" in options ? openPostgres(options) : openPglite(options.dataDir, options.fromTemplate ?? true);
}

interface PostgresOptions {
  url: string;
  poolSize?: number;
  /** An idle pooled connection failed (e.g. the server restarted). */
  onPoolError?: (err: Error) => void;
  /** A read met a dead connection and is run again on another (read-retry.ts). */
  onReadRetry?: (err: Error) => void;
}

async function openPostgres(options: PostgresOptions): Promise<Database> {
  const [{ PrismaPg }, { ReadRetryingPool }] = await Promise.all([import("@prisma/adapter-pg"), import("./read-retry.ts")]);
  const max = options.poolSize ?? 10;
  const pool = new ReadRetryingPool({
    connectionString: options.url,
    // No JIT: it compiles a facet count (~100k rows) for ~80 ms longer than it runs. This
    // marketplace's statements are short OLTP reads and writes, which JIT never pays off for.
    options: "-c jit=off",
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  }, { onRetry: options.onReadRetry });
  // An idle client that loses its server (a database restart) must not crash the process:
  // the pool drops it and the next request gets a fresh connection.
  pool.on("error", (err) => options.onPoolError?.(err));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const url = new URL(options.url);
  return {
    kind: "postgres",
    created: false,
    address: `${url.hostname}:${url.port || "5432"}${url.pathname}`,
    prisma,
    read: async (statement) => (await pool.read(statement.text, statement.values)).rows,
    async connect() {
      const client = await pool.connect();
      return {
        query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
        exec: async (sql) => {
          await client.query(sql);
        },
        close: async () => client.release(),
      };
    },
    async ping() {
      await pool.query("SELECT 1");
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | null, fromTemplate: boolean): Promise<Database> {
  const [{ PGlite }, { pg_trgm }, { PrismaPGlite }, { readTemplate }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("pglite-prisma-adapter"),
    import("./pglite-template.ts"),
  ]);
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  let fresh: boolean;
  try {
    const pgdata = dataDir ? path.join(dataDir, "pgdata") : undefined;
    // A new database starts from the migrated template when there is one (pglite-template.ts).
    fresh = !pgdata || !existsSync(path.join(pgdata, "PG_VERSION"));
    const template = fresh && fromTemplate ? await readTemplate() : undefined;
    pglite = await PGlite.create(pgdata, { extensions: { pg_trgm }, ...(template ? { loadDataDir: template } : {}) });
  } catch (err) {
    unlock();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // PGlite serves a single connection: "connect" shares it.
  const shared: SqlConnection = {
    query: async (sql, params) => (await pglite.query(sql, params)).rows as never[],
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    close: async () => {},
  };
  return {
    kind: "pglite",
    created: fresh,
    address: dataDir ?? "(in memory)",
    prisma,
    read: (statement) => prisma.$queryRaw<unknown[]>(statement),
    connect: async () => shared,
    async ping() {
      await pglite.query("SELECT 1");
    },
    poolStats: () => null,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      unlock();
    },
  };
}
