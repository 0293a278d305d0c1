import { toDatabendError } from "../errors/mapError";
import { dsnPassword } from "../secrets/mask";
import { resolveDsn } from "../settings";
import { acceptServerVersion } from "./serverVersion";
import { SqlRow, SqlSession, StatementContext } from "./sqlSession";

/** The parts of databend-driver's API this module uses. */
interface DriverRow {
  data(): Record<string, unknown>;
}
interface DriverConnection {
  exec(sql: string): Promise<number>;
  queryAll(sql: string): Promise<DriverRow[]>;
  close(): Promise<void>;
}
interface DriverModule {
  Client: new (dsn: string) => { getConn(): Promise<DriverConnection> };
}

const sessions = new Map<string, Promise<DriverSession>>();

/**
 * The SQL session for the configured DSN. One client per provider process: every resource shares it.
 * `databend-driver` is a native module, so it is required here, at call time, never captured.
 */
export async function getSession(): Promise<SqlSession> {
  const dsn = resolveDsn();
  let s = sessions.get(dsn);
  if (!s) {
    s = DriverSession.open(dsn);
    sessions.set(dsn, s);
    s.catch(() => sessions.delete(dsn));
  }
  return s;
}

/** Closes every open session (for hosts that exit explicitly). */
export async function closeSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.allSettled(all.map(async (s) => (await s).close()));
}

class DriverSession implements SqlSession {
  private version?: Promise<string>;

  private constructor(
    private readonly conn: DriverConnection,
    private readonly dsnSecret: string | undefined,
  ) {}

  static async open(dsn: string): Promise<DriverSession> {
    const secret = dsnPassword(dsn);
    let conn: DriverConnection;
    try {
      const driver = require("databend-driver") as DriverModule;
      conn = await new driver.Client(dsn).getConn();
    } catch (e) {
      throw toDatabendError(e, { action: "connect to Databend", secrets: [secret, dsn] });
    }
    // Version detection: once per provider process (sessions are cached), logged, and refused when too old.
    const session = new DriverSession(conn, secret);
    await session.serverVersion();
    return session;
  }

  async exec(sql: string, ctx: StatementContext): Promise<void> {
    try {
      await this.conn.exec(sql);
    } catch (e) {
      throw toDatabendError(e, { ...ctx, statement: sql, secrets: [...(ctx.secrets ?? []), this.dsnSecret] });
    }
  }

  async query(sql: string, ctx: StatementContext): Promise<SqlRow[]> {
    try {
      const rows = await this.conn.queryAll(sql);
      return rows.map((r) => r.data());
    } catch (e) {
      throw toDatabendError(e, { ...ctx, statement: sql, secrets: [...(ctx.secrets ?? []), this.dsnSecret] });
    }
  }

  serverVersion(): Promise<string> {
    this.version ??= this.query("SELECT version() AS v", { action: "read the Databend server version" }).then(
      (rows) => acceptServerVersion(String(rows[0]?.v ?? "")),
    );
    return this.version;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

export { parseServerVersion, versionAtLeast } from "./serverVersion";
