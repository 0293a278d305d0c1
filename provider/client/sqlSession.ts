/** A row as returned by a query: column name to value. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** What a statement is for, so that failures can be explained and secrets masked. */
export interface StatementContext {
  /** e.g. `create connection toronto`. */
  action: string;
  /** Secret values the statement contains. */
  secrets?: readonly (string | undefined)[];
  /** Hints per Databend error code. */
  hints?: Readonly<Record<number, string>>;
  /**
   * True when sending the statement twice has the same effect as once (reads, `DROP ... IF EXISTS`,
   * `CREATE OR REPLACE`, `ALTER ... SET`): only such statements are retried after a transport failure.
   * Queries are idempotent unless they say otherwise.
   */
  idempotent?: boolean;
}

/**
 * The narrow SQL surface the resources need. The production implementation wraps `databend-driver`;
 * unit tests use an in-memory fake.
 */
export interface SqlSession {
  /** Runs a statement that returns no rows. Throws a DatabendError on failure. */
  exec(sql: string, ctx: StatementContext): Promise<void>;
  /** Runs a query and returns every row. Throws a DatabendError on failure. */
  query(sql: string, ctx: StatementContext): Promise<SqlRow[]>;
  /** The server version, e.g. `1.2.895` (cached per session). */
  serverVersion(): Promise<string>;
}
