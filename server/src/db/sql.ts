/**
 * The smallest SQL surface that the migrator and the readiness check need, served by both
 * a node-postgres client and an embedded PGlite instance.
 */
export interface SqlConnection {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (simple query protocol). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
